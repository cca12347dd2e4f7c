using TorchSharp;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>Builds a <see cref="WanVae"/> from a diffusers <c>AutoencoderKLWan</c> folder and reports expected shapes.</summary>
public static class WanVaeWeights
{
    /// <summary>
    /// Reads <c>config.json</c> and the safetensors (file, index or folder) of <paramref name="folder"/> strictly into a
    /// float32 model (bf16/fp16 checkpoints are converted) on <paramref name="device"/> (CPU when null).
    /// </summary>
    public static WanVae Load(string folder, Device? device = null)
    {
        var config = WanVaeConfig.FromJson(Path.Combine(folder, "config.json"));
        var model = new WanVae(config);
        try
        {
            using var source = TensorSource.Open(folder);
            ModuleWeightLoader.Load(model, source);
            model.eval();
            return device is null ? model : model.to(device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Parameter names and shapes of a model of <paramref name="config"/>, built on the meta device (no memory).</summary>
    public static IReadOnlyDictionary<string, long[]> ExpectedShapes(WanVaeConfig config)
    {
        using var model = new WanVae(config, META);
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
    }
}
