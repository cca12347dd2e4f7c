namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// The published encoder sizes (Hugging Face <c>facebook/vjepa2-vit{l,h,g}-fpc64-{256,384}</c>; values from
/// transformers <c>models/vjepa2/convert_vjepa2_to_hf.py</c>). The 384 variant has the same keys; only the crop differs.
/// </summary>
public static class VJepa2Presets
{
    private static readonly VJepa2Config Large = new() { HiddenSize = 1024, NumHiddenLayers = 24, NumAttentionHeads = 16, MlpRatio = 4.0 };

    /// <summary>Preset name → config.</summary>
    public static IReadOnlyDictionary<string, VJepa2Config> All { get; } = new Dictionary<string, VJepa2Config>(StringComparer.OrdinalIgnoreCase)
    {
        ["vit-l"] = Large,
        ["vit-h"] = Large with { HiddenSize = 1280, NumHiddenLayers = 32, NumAttentionHeads = 16 },
        // mlp_ratio 48/11 so that int(1408·ratio) = 6144, as in the published config (4.363636…).
        ["vit-g"] = Large with { HiddenSize = 1408, NumHiddenLayers = 40, NumAttentionHeads = 22, MlpRatio = 48.0 / 11.0 },
        ["vit-g-384"] = Large with { HiddenSize = 1408, NumHiddenLayers = 40, NumAttentionHeads = 22, MlpRatio = 48.0 / 11.0, CropSize = 384 },
    };

    /// <summary>The named preset, or an error listing the known names.</summary>
    public static VJepa2Config Get(string name) =>
        All.TryGetValue(name, out var config) ? config
        : throw new ArgumentException($"unknown V-JEPA 2 preset '{name}'; known: {string.Join(", ", All.Keys)}.", nameof(name));
}
