using SemanticGen.Weights;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Loads a vision tower from a standalone tower checkpoint (keys as the tower names them) or from a whole
/// Qwen2.5-VL checkpoint (keys under <c>visual.</c>, or <c>model.visual.</c> in newer re-saves), strictly: every
/// tower entry must be present with its shape, and no other key under the tower's prefix may be left over.
/// </summary>
public static class Qwen25VLWeights
{
    /// <summary>Prefixes of the tower inside whole-VLM checkpoints, most specific first.</summary>
    public static IReadOnlyList<string> VlmPrefixes { get; } = ["model.visual.", "visual."];

    /// <summary>
    /// The <see cref="WeightLoadOptions"/> for <paramref name="source"/>: when any key carries a VLM prefix only those
    /// keys are selected (the LLM's tensors are skipped, never read); otherwise every key must belong to the tower.
    /// </summary>
    public static WeightLoadOptions OptionsFor(ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var prefixed = source.Keys.Any(key => VlmPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)));
        return new WeightLoadOptions { StripPrefixes = prefixed ? VlmPrefixes : [] };
    }

    /// <summary>Loads <paramref name="path"/> (a .safetensors file, an index .json, or a folder) into <paramref name="tower"/>.</summary>
    /// <exception cref="WeightLoadException">Missing or unexpected keys, or shapes that differ (each named).</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file or index.</exception>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    internal static WeightLoadReport Load(Qwen25VisionTower tower, string path)
    {
        using var source = TensorSource.Open(path);
        return Load(tower, source);
    }

    internal static WeightLoadReport Load(Qwen25VisionTower tower, ITensorSource source) =>
        ModuleWeightLoader.Load(tower, source, OptionsFor(source));
}
