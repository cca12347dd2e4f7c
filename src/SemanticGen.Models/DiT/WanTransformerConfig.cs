using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Models.DiT;

/// <summary>
/// The Wan2.1 diffusion transformer's configuration: the arguments of diffusers <c>WanTransformer3DModel</c>
/// (<c>transformer_wan.py</c>), with its defaults (the 14B text-to-video model). JSON names equal the keys of a
/// diffusers <c>config.json</c>, so <see cref="FromJson"/> reads one directly.
/// </summary>
public sealed record WanTransformerConfig
{
    /// <summary>(t, h, w) patch of the 3D patch embedding.</summary>
    [JsonPropertyName("patch_size")] public IReadOnlyList<int> PatchSize { get; init; } = [1, 2, 2];
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 40;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 128;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 16;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 16;
    /// <summary>Width of the text encoder's hidden states (umT5-XXL: 4096).</summary>
    [JsonPropertyName("text_dim")] public int TextDim { get; init; } = 4096;
    /// <summary>Width of the sinusoidal timestep features.</summary>
    [JsonPropertyName("freq_dim")] public int FreqDim { get; init; } = 256;
    [JsonPropertyName("ffn_dim")] public int FfnDim { get; init; } = 13824;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 40;
    /// <summary>An affine LayerNorm before cross-attention (<c>blocks.{i}.norm2</c>); identity when false.</summary>
    [JsonPropertyName("cross_attn_norm")] public bool CrossAttnNorm { get; init; } = true;
    /// <summary>Only <c>rms_norm_across_heads</c> (RMS norm over all heads of q and k) is supported.</summary>
    [JsonPropertyName("qk_norm")] public string? QkNorm { get; init; } = "rms_norm_across_heads";
    [JsonPropertyName("eps")] public double Eps { get; init; } = 1e-6;
    /// <summary>Image-conditioning width (I2V); null for text-to-video, the only kind built here.</summary>
    [JsonPropertyName("image_dim")] public int? ImageDim { get; init; }
    /// <summary>Extra key/value projections for image tokens (I2V); null for text-to-video.</summary>
    [JsonPropertyName("added_kv_proj_dim")] public int? AddedKvProjDim { get; init; }
    /// <summary>Largest RoPE position per axis in the reference's precomputed tables (positions beyond it work here too).</summary>
    [JsonPropertyName("rope_max_seq_len")] public int RopeMaxSeqLen { get; init; } = 1024;

    /// <summary>Transformer width D = heads × head dim.</summary>
    [JsonIgnore] public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Channels of one output token: out_channels × pt × ph × pw.</summary>
    [JsonIgnore] public int PatchOutDim => OutChannels * PatchSize[0] * PatchSize[1] * PatchSize[2];

    /// <summary>Reads a diffusers <c>config.json</c> (unknown keys such as <c>_class_name</c> are ignored).</summary>
    public static WanTransformerConfig FromJson(string path)
    {
        var config = JsonSerializer.Deserialize<WanTransformerConfig>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path}: empty config.");
        return config.Validated();
    }

    /// <summary>Throws for the variants this implementation does not build (I2V, other qk norms, bad sizes).</summary>
    public WanTransformerConfig Validated()
    {
        if (PatchSize.Count != 3 || PatchSize.Any(p => p < 1))
            throw new ArgumentException($"patch_size must be three positive sizes, got [{string.Join(", ", PatchSize)}].");
        if (QkNorm != "rms_norm_across_heads")
            throw new NotSupportedException($"qk_norm '{QkNorm}' is not supported (only rms_norm_across_heads).");
        if (ImageDim is not null || AddedKvProjDim is not null)
            throw new NotSupportedException("image_dim / added_kv_proj_dim (Wan I2V) are not supported; this is the text-to-video transformer.");
        if (AttentionHeadDim % 2 != 0 || AttentionHeadDim < 6)
            throw new ArgumentException($"attention_head_dim must be even and at least 6, got {AttentionHeadDim}.");
        return this;
    }
}

/// <summary>Named sizes of the Wan2.1 text-to-video transformer.</summary>
public static class WanTransformerPresets
{
    private static readonly Dictionary<string, WanTransformerConfig> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        // Wan-AI/Wan2.1-T2V-1.3B-Diffusers transformer/config.json.
        ["1.3b"] = new() { NumAttentionHeads = 12, FfnDim = 8960, NumLayers = 30 },
        // Wan-AI/Wan2.1-T2V-14B-Diffusers: the library defaults.
        ["14b"] = new(),
        // The reference fixture's sizes (tests/fixtures/wan/wan_transformer): the CPU default.
        ["tiny"] = new() { NumAttentionHeads = 2, AttentionHeadDim = 24, InChannels = 4, OutChannels = 4, TextDim = 32, FfnDim = 64, NumLayers = 2 },
    };

    public static IReadOnlyCollection<string> Names => Table.Keys;

    public static WanTransformerConfig Get(string name) =>
        Table.TryGetValue(name, out var config)
            ? config
            : throw new ArgumentException($"Unknown Wan transformer preset '{name}'; known: {string.Join(", ", Table.Keys)}.", nameof(name));
}
