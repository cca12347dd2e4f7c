using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>Builds a <see cref="WanTransformer3DModel"/> from a diffusers transformer folder and loads its weights strictly.</summary>
public static class WanTransformerWeights
{
    /// <summary>
    /// Reads <c>config.json</c> from <paramref name="folder"/> (a diffusers <c>transformer/</c> folder: config plus
    /// <c>model.safetensors</c> or a sharded index) and loads every tensor by its diffusers name; any missing or
    /// unexpected key, or a shape mismatch, fails before anything is copied. Stored dtypes (e.g. bf16) are
    /// converted to the parameters' dtypes.
    /// </summary>
    public static WanTransformer3DModel Load(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = WanTransformerConfig.FromJson(Path.Combine(folder, "config.json"));
        var model = new WanTransformer3DModel(config, device, dtype);
        try
        {
            using var source = TensorSource.Open(folder);
            LoadInto(model, source);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Strictly loads <paramref name="source"/> into <paramref name="model"/>.</summary>
    public static WeightLoadReport LoadInto(WanTransformer3DModel model, ITensorSource source) =>
        ModuleWeightLoader.Load(model, source, WeightLoadOptions.Default);
}
