using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL;
using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Encoders.VJepa2;

namespace SemanticGen.Hosting.Encoders;

/// <summary>Registers the encoder plugins and the one encoder that configuration selects.</summary>
public static class SemanticEncoderServiceCollectionExtensions
{
    /// <summary>Registers every built-in encoder plugin under its key (qwen2.5-vl, vjepa2, videomae2).</summary>
    public static IServiceCollection AddSemanticGenEncoders(this IServiceCollection services) =>
        services.AddQwen25VLEncoder().AddVJepa2Encoder().AddVideoMAE2Encoder();

    /// <summary>
    /// Binds the "SemanticEncoder" section of <paramref name="configuration"/>, validates it at start (an unknown Type
    /// fails listing the registered keys) and registers <see cref="ISemanticEncoder"/> as a singleton created by the
    /// keyed factory the Type names. Plugins must be registered too (<see cref="AddSemanticGenEncoders"/>).
    /// </summary>
    public static IServiceCollection AddSemanticEncoder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SemanticEncoderOptions>().Bind(configuration.GetSection(SemanticEncoderOptions.Section)).ValidateOnStart();
        return services.AddSemanticEncoderCore();
    }

    /// <summary>As <see cref="AddSemanticEncoder(IServiceCollection, IConfiguration)"/>, configured in code (e.g. from CLI flags).</summary>
    public static IServiceCollection AddSemanticEncoder(this IServiceCollection services, Action<SemanticEncoderOptions> configure)
    {
        services.AddOptions<SemanticEncoderOptions>().Configure(configure).ValidateOnStart();
        return services.AddSemanticEncoderCore();
    }

    private static IServiceCollection AddSemanticEncoderCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SemanticEncoderOptions>, SemanticEncoderOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SemanticEncoderOptions>>().Value;
            var factory = provider.GetRequiredKeyedService<ISemanticEncoderFactory>(options.Type);
            return factory.Create(options.ToSettings());
        });
        return services;
    }
}
