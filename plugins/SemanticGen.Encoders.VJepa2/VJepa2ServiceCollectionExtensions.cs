using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>Registers the V-JEPA 2 encoder plugin.</summary>
public static class VJepa2ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="VJepa2EncoderFactory"/> as the keyed <see cref="ISemanticEncoderFactory"/> "vjepa2" and in
    /// the enumerable of all factories (so a host can list known keys). Idempotent.
    /// </summary>
    public static IServiceCollection AddVJepa2Encoder(this IServiceCollection services, VJepa2Preprocessing? preprocessing = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = new VJepa2EncoderFactory(preprocessing);
        services.TryAddKeyedSingleton<ISemanticEncoderFactory>(VJepa2SemanticEncoder.Key, factory);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISemanticEncoderFactory, VJepa2EncoderFactory>(_ => factory));
        services.TryAddKeyedSingleton<IEncoderParityCheck, VJepa2ParityCheck>(VJepa2SemanticEncoder.Key);
        return services;
    }
}
