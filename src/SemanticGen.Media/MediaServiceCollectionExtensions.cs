using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>Registers the ffmpeg-backed video reader and writer.</summary>
public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IVideoReader"/> and <see cref="IVideoWriter"/> as singletons configured by <paramref name="configure"/>;
    /// invalid options fail when either is first resolved (or at host start).
    /// </summary>
    public static IServiceCollection AddSemanticGenMedia(this IServiceCollection services, Action<MediaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MediaOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>());
        services.TryAddSingleton<IVideoReader>(provider => new FfmpegVideoReader(provider.GetRequiredService<IOptions<MediaOptions>>().Value));
        services.TryAddSingleton<IVideoWriter>(provider => new FfmpegVideoWriter(provider.GetRequiredService<IOptions<MediaOptions>>().Value));
        return services;
    }
}
