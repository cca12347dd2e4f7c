using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Creates <see cref="VideoMAE2Encoder"/>s, key "videomae2". The config comes from, in order: <c>settings.Config</c>;
/// a <c>config.json</c> beside the weights (in the weights folder, or the folder of the weights file or index);
/// <c>settings.Preset</c> ("base", "large", "giant"). Weights (a .safetensors file, a sharded index or a folder) are
/// loaded strictly in any layout <see cref="VideoMAECheckpoint"/> reads; without weights the model is randomly
/// initialised (self-supervised training).
/// </summary>
public sealed class VideoMAE2EncoderFactory : ISemanticEncoderFactory
{
    public const string FactoryKey = "videomae2";

    public string Key => FactoryKey;

    public ISemanticEncoder Create(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = ResolveConfig(settings);
        var device = torch.device(settings.Device);
        var dtype = ParseDtype(settings.Dtype);
        var model = new VideoMAEModel(config, device, dtype);
        try
        {
            if (settings.Weights is null)
            {
                model.InitializeWeights();
            }
            else
            {
                VideoMAECheckpoint.Load(model, settings.Weights);
            }
            return new VideoMAE2Encoder(model, device, dtype);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The config the settings select (see the class summary for the order).</summary>
    /// <exception cref="ArgumentException">Nothing names a config, or the preset is unknown.</exception>
    public static VideoMAEConfig ResolveConfig(SemanticEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Config is not null)
        {
            return VideoMAEConfig.FromFile(settings.Config);
        }
        if (settings.Weights is not null)
        {
            var folder = Directory.Exists(settings.Weights) ? settings.Weights : Path.GetDirectoryName(Path.GetFullPath(settings.Weights))!;
            var besideWeights = Path.Combine(folder, "config.json");
            if (File.Exists(besideWeights))
            {
                return VideoMAEConfig.FromFile(besideWeights);
            }
        }
        if (settings.Preset is not null)
        {
            return VideoMAEPresets.Get(settings.Preset);
        }
        throw new ArgumentException(
            $"VideoMAE needs a config: set Config, put config.json beside the weights ({settings.Weights ?? "none given"}), " +
            $"or set Preset to one of {string.Join(", ", VideoMAEPresets.All.Keys)}.", nameof(settings));
    }

    /// <summary>"float32", "bfloat16", "float16" (and the short forms fp32, bf16, fp16).</summary>
    public static ScalarType ParseDtype(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "half" => ScalarType.Float16,
        _ => throw new ArgumentException($"unsupported dtype '{dtype}'; use float32, bfloat16 or float16.", nameof(dtype)),
    };
}
