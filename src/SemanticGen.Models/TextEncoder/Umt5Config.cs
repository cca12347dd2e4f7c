using System.Text.Json;

namespace SemanticGen.Models.TextEncoder;

/// <summary>
/// The encoder half of Hugging Face's <c>UMT5Config</c> (transformers <c>models/umt5/configuration_umt5.py</c>).
/// Defaults are that class's defaults (umT5-small), because a config.json may omit values equal to them; named
/// sizes are in <see cref="Umt5Presets"/>. Only the gated-GELU feed-forward (<c>gelu_new</c>) is supported: that is
/// what every published umT5 uses.
/// </summary>
public sealed record Umt5Config
{
    public int VocabSize { get; init; } = 250112;
    public int DModel { get; init; } = 512;
    public int DKv { get; init; } = 64;
    public int DFf { get; init; } = 1024;
    public int NumLayers { get; init; } = 8;
    public int NumHeads { get; init; } = 6;
    public int RelativeAttentionNumBuckets { get; init; } = 32;
    public int RelativeAttentionMaxDistance { get; init; } = 128;
    public double LayerNormEpsilon { get; init; } = 1e-6;

    /// <summary>Width of the attention projections, heads × d_kv (not necessarily d_model).</summary>
    public int InnerDim => NumHeads * DKv;

    /// <summary>Throws when the sizes cannot form a model.</summary>
    public Umt5Config Validate()
    {
        if (VocabSize <= 0 || DModel <= 0 || DKv <= 0 || DFf <= 0 || NumLayers <= 0 || NumHeads <= 0)
            throw new ArgumentException($"umT5 config: sizes must be positive ({this}).");
        // Bidirectional buckets: half per direction, half of those exact; the log-spaced rest needs max_distance > max_exact.
        if (RelativeAttentionNumBuckets < 4 || RelativeAttentionMaxDistance <= RelativeAttentionNumBuckets / 4)
            throw new ArgumentException($"umT5 config: relative_attention_num_buckets {RelativeAttentionNumBuckets} / max_distance {RelativeAttentionMaxDistance} do not form bidirectional buckets.");
        if (!(LayerNormEpsilon > 0))
            throw new ArgumentException($"umT5 config: layer_norm_epsilon must be positive ({LayerNormEpsilon}).");
        return this;
    }

    /// <summary>Reads a Hugging Face <c>config.json</c> (model_type "umt5"); missing fields take the library defaults.</summary>
    public static Umt5Config FromJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.TryGetProperty("model_type", out var type) && type.GetString() is { } modelType && modelType != "umt5")
            throw new InvalidDataException($"{path}: model_type is '{modelType}', expected 'umt5'.");
        if (root.TryGetProperty("feed_forward_proj", out var proj) && proj.GetString() is { } projection && projection != "gated-gelu")
            throw new NotSupportedException($"{path}: feed_forward_proj '{projection}' is not supported (umT5 uses 'gated-gelu').");
        var defaults = new Umt5Config();
        int Int(string name, int fallback) => root.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;
        return new Umt5Config
        {
            VocabSize = Int("vocab_size", defaults.VocabSize),
            DModel = Int("d_model", defaults.DModel),
            DKv = Int("d_kv", defaults.DKv),
            DFf = Int("d_ff", defaults.DFf),
            NumLayers = Int("num_layers", defaults.NumLayers),
            NumHeads = Int("num_heads", defaults.NumHeads),
            RelativeAttentionNumBuckets = Int("relative_attention_num_buckets", defaults.RelativeAttentionNumBuckets),
            RelativeAttentionMaxDistance = Int("relative_attention_max_distance", defaults.RelativeAttentionMaxDistance),
            LayerNormEpsilon = root.TryGetProperty("layer_norm_epsilon", out var eps) ? eps.GetDouble() : defaults.LayerNormEpsilon,
        }.Validate();
    }
}

/// <summary>Named umT5 encoder sizes.</summary>
public static class Umt5Presets
{
    /// <summary>Preset name → config. "xxl": google/umt5-xxl, the text encoder of Wan2.1 (5,680,910,336 encoder parameters).</summary>
    public static IReadOnlyDictionary<string, Umt5Config> All { get; } = new Dictionary<string, Umt5Config>(StringComparer.OrdinalIgnoreCase)
    {
        ["xxl"] = new Umt5Config { VocabSize = 256384, DModel = 4096, DKv = 64, DFf = 10240, NumLayers = 24, NumHeads = 64 },
    };

    /// <summary>The named preset, or an error listing the known names.</summary>
    public static Umt5Config Get(string name) =>
        All.TryGetValue(name, out var config) ? config
        : throw new ArgumentException($"unknown umT5 preset '{name}'; known: {string.Join(", ", All.Keys)}.", nameof(name));
}
