using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>Registers the Qwen2.5-VL encoder plugin.</summary>
public static class Qwen25VLServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="Qwen25VLEncoderFactory"/> as the keyed <see cref="ISemanticEncoderFactory"/>
    /// "qwen2.5-vl" and as an entry of <c>IEnumerable&lt;ISemanticEncoderFactory&gt;</c> (so a host can list the known
    /// keys). Calling it twice registers nothing more.
    /// </summary>
    public static IServiceCollection AddQwen25VLEncoder(this IServiceCollection services, Qwen25VLEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => new Qwen25VLEncoderFactory(options));
        services.TryAddKeyedSingleton<ISemanticEncoderFactory>(Qwen25VLEncoder.Key,
            (provider, _) => provider.GetRequiredService<Qwen25VLEncoderFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISemanticEncoderFactory, Qwen25VLEncoderFactory>(
            provider => provider.GetRequiredService<Qwen25VLEncoderFactory>()));
        services.TryAddKeyedSingleton<IEncoderParityCheck, Qwen25VLParityCheck>(Qwen25VLEncoder.Key);
        return services;
    }
}
