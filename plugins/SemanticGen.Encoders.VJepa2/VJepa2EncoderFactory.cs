using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// Builds <see cref="VJepa2SemanticEncoder"/>s from settings. Config: <see cref="SemanticEncoderSettings.Config"/>, else
/// <c>config.json</c> beside the weights (the folder, or the file's folder), else <see cref="SemanticEncoderSettings.Preset"/>
/// ("vit-l", "vit-h", "vit-g", "vit-g-384"). Weights: a .safetensors file, index or folder; none means random
/// initialisation. The model is created on the settings' device, cast to its dtype, then loaded.
/// </summary>
public sealed class VJepa2EncoderFactory(VJepa2Preprocessing? preprocessing = null) : ISemanticEncoderFactory
{
    private const string ConfigFileName = "config.json";

    public string Key => VJepa2SemanticEncoder.Key;

    public ISemanticEncoder Create(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = ResolveConfig(settings);
        var device = torch.device(settings.Device);
        var dtype = ParseDtype(settings.Dtype);
        var model = new VJepa2Model(config, device);
        try
        {
            model.to(dtype);
            if (settings.Weights is null)
                model.InitializeWeights();
            else
                VJepa2Weights.Load(model, settings.Weights);
            return new VJepa2SemanticEncoder(model, preprocessing);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The config the settings name; see the class summary for the order.</summary>
    public static VJepa2Config ResolveConfig(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Config is not null)
            return VJepa2Config.FromJson(settings.Config);
        if (settings.Weights is not null)
        {
            var folder = Directory.Exists(settings.Weights) ? settings.Weights : Path.GetDirectoryName(Path.GetFullPath(settings.Weights))!;
            var beside = Path.Combine(folder, ConfigFileName);
            if (File.Exists(beside))
                return VJepa2Config.FromJson(beside);
        }
        if (settings.Preset is not null)
            return VJepa2Presets.Get(settings.Preset);
        throw new ArgumentException(
            $"V-JEPA 2: no config — give SemanticEncoder:Config, a {ConfigFileName} beside the weights ({settings.Weights ?? "none given"}), " +
            $"or a Preset ({string.Join(", ", VJepa2Presets.All.Keys)}).", nameof(settings));
    }

    private static ScalarType ParseDtype(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "fp32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" => ScalarType.Float16,
        _ => throw new ArgumentException($"V-JEPA 2: unknown dtype '{dtype}'; use float32, bfloat16 or float16.", nameof(dtype)),
    };
}
