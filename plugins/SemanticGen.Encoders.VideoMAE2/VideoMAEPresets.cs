namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Published sizes, selected by <c>SemanticEncoderSettings.Preset</c>. Values are those of the released configs:
/// Hugging Face <c>MCG-NJU/videomae-base</c> and <c>MCG-NJU/videomae-large</c> (pre-training checkpoints: final
/// <c>layernorm</c>, decoder sizes from transformers' <c>convert_videomae_to_pytorch.py</c>) and VideoMAE 2's
/// <c>vit_giant_patch14_224</c> (github.com/OpenGVLab/VideoMAEv2 <c>models/modeling_finetune.py</c>: patch 14,
/// 1408 wide, 40 deep, 16 heads, MLP ratio 48/11 = 6144, LayerNorm eps 1e-6, mean pooling so no final norm).
/// </summary>
public static class VideoMAEPresets
{
    public static VideoMAEConfig Base { get; } = new() { UseMeanPooling = false };

    public static VideoMAEConfig Large { get; } = new()
    {
        HiddenSize = 1024, NumHiddenLayers = 24, NumAttentionHeads = 16, IntermediateSize = 4096, UseMeanPooling = false,
        DecoderHiddenSize = 512, DecoderNumHiddenLayers = 12, DecoderNumAttentionHeads = 8, DecoderIntermediateSize = 2048,
    };

    public static VideoMAEConfig Giant { get; } = new()
    {
        HiddenSize = 1408, NumHiddenLayers = 40, NumAttentionHeads = 16, IntermediateSize = 6144, PatchSize = 14, LayerNormEps = 1e-6,
        UseMeanPooling = true,
        DecoderHiddenSize = 512, DecoderNumHiddenLayers = 4, DecoderNumAttentionHeads = 8, DecoderIntermediateSize = 2048,
    };

    /// <summary>Preset names, as accepted by <see cref="Get"/> (case-insensitive).</summary>
    public static IReadOnlyDictionary<string, VideoMAEConfig> All { get; } =
        new Dictionary<string, VideoMAEConfig>(StringComparer.OrdinalIgnoreCase) { ["base"] = Base, ["large"] = Large, ["giant"] = Giant };

    /// <summary>The preset of that name.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static VideoMAEConfig Get(string name) =>
        All.TryGetValue(name, out var config)
            ? config
            : throw new ArgumentException($"unknown VideoMAE preset '{name}'; known: {string.Join(", ", All.Keys)}.", nameof(name));
}
