using SemanticGen.Models.DiT;
using SemanticGen.Weights;

namespace SemanticGen.Models.Generators;

/// <summary>What loading a Wan2.1 checkpoint into a <see cref="LatentGenerator"/> did.</summary>
/// <param name="Base">the strict load into the Wan base (keys as stored, without the <c>transformer.</c> prefix)</param>
/// <param name="NewInitialised">the generator's own entries no Wan checkpoint has, left at their fresh initialisation</param>
public sealed record LatentGeneratorLoadReport(WeightLoadReport Base, IReadOnlyList<string> NewInitialised);

/// <summary>Loads weights into a <see cref="LatentGenerator"/>.</summary>
public static class LatentGeneratorWeights
{
    /// <summary>
    /// Loads a Wan2.1 transformer checkpoint (diffusers keys, no prefix) strictly into the base: any missing or
    /// unexpected Wan key, or a shape mismatch, fails before anything is copied. The semantic embedding is not in
    /// such a checkpoint; its entries are reported as new (initialised), not as missing.
    /// </summary>
    public static LatentGeneratorLoadReport LoadWan(LatentGenerator model, ITensorSource source)
    {
        var report = WanTransformerWeights.LoadInto(model.Transformer, source);
        var fresh = model.named_parameters().Select(p => p.name)
            .Where(name => name.StartsWith("semantic_embedding.", StringComparison.Ordinal))
            .ToList();
        return new LatentGeneratorLoadReport(report, fresh);
    }

    /// <summary>Strictly loads a whole generator checkpoint (keys <c>transformer.*</c> and <c>semantic_embedding.*</c>).</summary>
    public static WeightLoadReport LoadInto(LatentGenerator model, ITensorSource source) =>
        ModuleWeightLoader.Load(model, source, WeightLoadOptions.Default);
}
