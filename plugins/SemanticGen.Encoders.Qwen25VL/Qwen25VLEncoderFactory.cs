using SemanticGen.Abstractions.Encoders;
using TorchSharp;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Creates Qwen2.5-VL vision-tower encoders from <see cref="SemanticEncoderSettings"/>. The config comes from
/// <c>settings.Config</c>, else <c>config.json</c> beside the weights, else <c>settings.Preset</c> ("3b", "7b",
/// "32b", "72b"); the config.json may be the standalone vision config or a whole VLM's (its <c>vision_config</c>).
/// </summary>
public sealed class Qwen25VLEncoderFactory(Qwen25VLEncoderOptions? options = null) : ISemanticEncoderFactory
{
    public string Key => Qwen25VLEncoder.Key;

    public Qwen25VLEncoderOptions Options { get; } = options ?? new Qwen25VLEncoderOptions();

    public ISemanticEncoder Create(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = ResolveConfig(settings);
        return new Qwen25VLEncoder(config, settings.Weights, settings.Device, ParseDtype(settings.Dtype), Options);
    }

    /// <summary>The tower config that <paramref name="settings"/> describe (see the class summary for the order).</summary>
    public static Qwen25VLVisionConfig ResolveConfig(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Config is not null)
        {
            return File.Exists(settings.Config)
                ? Qwen25VLVisionConfig.FromJson(settings.Config)
                : throw new FileNotFoundException($"{settings.Config}: no such config.json.", settings.Config);
        }
        if (settings.Weights is not null)
        {
            var folder = Directory.Exists(settings.Weights) ? settings.Weights : Path.GetDirectoryName(Path.GetFullPath(settings.Weights))!;
            var beside = Path.Combine(folder, "config.json");
            if (File.Exists(beside))
            {
                return Qwen25VLVisionConfig.FromJson(beside);
            }
        }
        if (settings.Preset is not null)
        {
            return Qwen25VLPresets.Get(settings.Preset);
        }
        throw new ArgumentException(
            $"Qwen2.5-VL encoder: no config.json beside the weights ({settings.Weights ?? "none given"}) and no Config or Preset " +
            $"(one of {string.Join(", ", Qwen25VLPresets.Names)}).", nameof(settings));
    }

    /// <summary>"float32", "bfloat16", "float16" (also "fp32", "bf16", "fp16") → the TorchSharp dtype.</summary>
    public static torch.ScalarType ParseDtype(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" => torch.ScalarType.Float32,
        "bfloat16" or "bf16" => torch.ScalarType.BFloat16,
        "float16" or "fp16" or "half" => torch.ScalarType.Float16,
        _ => throw new ArgumentException($"unsupported dtype '{dtype}'; expected float32, bfloat16 or float16.", nameof(dtype)),
    };
}
