using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>Registers the VideoMAE / VideoMAE 2 encoder plugin.</summary>
public static class VideoMAE2ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="VideoMAE2EncoderFactory"/> as the keyed <see cref="ISemanticEncoderFactory"/> "videomae2" and to
    /// the enumerable of all factories (so hosts can list the registered keys), one instance for both, and
    /// <see cref="VideoMAE2ParityCheck"/> as the keyed <see cref="IEncoderParityCheck"/>. Calling it twice adds nothing more.
    /// </summary>
    public static IServiceCollection AddVideoMAE2Encoder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = new VideoMAE2EncoderFactory();
        services.TryAddKeyedSingleton<ISemanticEncoderFactory>(VideoMAE2EncoderFactory.FactoryKey, factory);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISemanticEncoderFactory, VideoMAE2EncoderFactory>(_ => factory));
        services.TryAddKeyedSingleton<IEncoderParityCheck, VideoMAE2ParityCheck>(VideoMAE2EncoderFactory.FactoryKey);
        return services;
    }
}
