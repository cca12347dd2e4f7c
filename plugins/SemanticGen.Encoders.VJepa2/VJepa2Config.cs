using System.Globalization;
using System.Text.Json;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// The encoder half of Hugging Face's <c>VJEPA2Config</c> (transformers <c>models/vjepa2/configuration_vjepa2.py</c>).
/// Defaults are that class's defaults (ViT-L, crop 256, 64 frames), because <c>save_pretrained</c> writes only the
/// values that differ from them. Predictor and pooler fields are not needed for features and are ignored.
/// </summary>
public sealed record VJepa2Config
{
    public int HiddenSize { get; init; } = 1024;
    public int NumHiddenLayers { get; init; } = 24;
    public int NumAttentionHeads { get; init; } = 16;
    public double MlpRatio { get; init; } = 4.0;
    public int PatchSize { get; init; } = 16;
    public int TubeletSize { get; init; } = 2;
    public int CropSize { get; init; } = 256;
    public int FramesPerClip { get; init; } = 64;
    public int InChannels { get; init; } = 3;
    public double LayerNormEps { get; init; } = 1e-6;
    public bool QkvBias { get; init; } = true;

    /// <summary>Per-head width D.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>MLP width, truncated like Python's <c>int(hidden_size * mlp_ratio)</c> (ViT-g: 1408·48/11 = 6144).</summary>
    public int MlpHiddenSize => (int)(HiddenSize * MlpRatio);

    /// <summary>Width of each of the three RoPE bands (frame, height, width): <c>2·⌊⌊D/3⌋/2⌋</c>.</summary>
    public int RopeBandSize => 2 * (HeadDim / 3 / 2);

    /// <summary>Patches per side of the square crop the model was trained on.</summary>
    public int GridSize => CropSize / PatchSize;

    /// <summary>Throws when the sizes cannot form a model.</summary>
    public VJepa2Config Validate()
    {
        if (HiddenSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || PatchSize <= 0 || TubeletSize <= 0 || CropSize <= 0 || InChannels <= 0)
            throw new ArgumentException($"V-JEPA 2 config: sizes must be positive ({this}).");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"V-JEPA 2 config: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}.");
        if (CropSize % PatchSize != 0)
            throw new ArgumentException($"V-JEPA 2 config: crop_size {CropSize} is not a multiple of patch_size {PatchSize}.");
        if (MlpHiddenSize <= 0)
            throw new ArgumentException($"V-JEPA 2 config: mlp_ratio {MlpRatio} gives no MLP width.");
        return this;
    }

    /// <summary>Reads a Hugging Face <c>config.json</c> (model_type "vjepa2"); missing fields take the library defaults.</summary>
    public static VJepa2Config FromJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.TryGetProperty("model_type", out var type) && type.GetString() is { } modelType && modelType != "vjepa2")
            throw new InvalidDataException($"{path}: model_type is '{modelType}', expected 'vjepa2'.");
        if (root.TryGetProperty("hidden_act", out var act) && act.GetString() is { } activation && activation != "gelu")
            throw new NotSupportedException($"{path}: hidden_act '{activation}' is not supported (V-JEPA 2 uses exact 'gelu').");
        var defaults = new VJepa2Config();
        return new VJepa2Config
        {
            HiddenSize = Int(root, "hidden_size", defaults.HiddenSize, path),
            NumHiddenLayers = Int(root, "num_hidden_layers", defaults.NumHiddenLayers, path),
            NumAttentionHeads = Int(root, "num_attention_heads", defaults.NumAttentionHeads, path),
            MlpRatio = Double(root, "mlp_ratio", defaults.MlpRatio, path),
            PatchSize = Int(root, "patch_size", defaults.PatchSize, path),
            TubeletSize = Int(root, "tubelet_size", defaults.TubeletSize, path),
            CropSize = Int(root, "crop_size", defaults.CropSize, path),
            FramesPerClip = Int(root, "frames_per_clip", defaults.FramesPerClip, path),
            InChannels = Int(root, "in_chans", defaults.InChannels, path),
            LayerNormEps = Double(root, "layer_norm_eps", defaults.LayerNormEps, path),
            QkvBias = root.TryGetProperty("qkv_bias", out var bias) ? bias.GetBoolean() : defaults.QkvBias,
        }.Validate();
    }

    private static int Int(JsonElement root, string name, int fallback, string path) =>
        !root.TryGetProperty(name, out var value) ? fallback
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new InvalidDataException($"{path}: '{name}' should be an integer, found {value.GetRawText()}.");

    private static double Double(JsonElement root, string name, double fallback, string path) =>
        !root.TryGetProperty(name, out var value) ? fallback
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw new InvalidDataException($"{path}: '{name}' should be a number, found {value.GetRawText()}.");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"width {HiddenSize}, {NumHiddenLayers} layers, {NumAttentionHeads} heads, MLP {MlpHiddenSize}, patch {PatchSize}, tubelet {TubeletSize}, crop {CropSize}");
}
