using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// A VideoMAE / VideoMAE 2 encoder's configuration: the fields of Hugging Face's <c>config.json</c>
/// (transformers <c>models/videomae/configuration_videomae.py</c>), with its defaults (VideoMAE-Base, 16×224², patch 16).
/// The decoder fields are used only by <see cref="VideoMAEPretraining"/>.
/// </summary>
public sealed record VideoMAEConfig
{
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 16;
    [JsonPropertyName("tubelet_size")] public int TubeletSize { get; init; } = 2;
    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 224;
    [JsonPropertyName("num_frames")] public int NumFrames { get; init; } = 16;
    [JsonPropertyName("num_channels")] public int NumChannels { get; init; } = 3;
    [JsonPropertyName("qkv_bias")] public bool QkvBias { get; init; } = true;

    /// <summary>
    /// True: the tokens leave the last block as they are (a classifier would pool and norm them).
    /// False: a final <c>layernorm</c> is applied to the tokens (Hugging Face's pre-training checkpoints).
    /// </summary>
    [JsonPropertyName("use_mean_pooling")] public bool UseMeanPooling { get; init; } = true;

    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;

    [JsonPropertyName("decoder_hidden_size")] public int DecoderHiddenSize { get; init; } = 384;
    [JsonPropertyName("decoder_num_hidden_layers")] public int DecoderNumHiddenLayers { get; init; } = 4;
    [JsonPropertyName("decoder_num_attention_heads")] public int DecoderNumAttentionHeads { get; init; } = 6;
    [JsonPropertyName("decoder_intermediate_size")] public int DecoderIntermediateSize { get; init; } = 1536;

    /// <summary>Masked-autoencoding targets are per-patch normalised pixels (VideoMAE's default).</summary>
    [JsonPropertyName("norm_pix_loss")] public bool NormPixLoss { get; init; } = true;

    /// <summary>Patches per side of the configured square input.</summary>
    [JsonIgnore] public int PatchesPerSide => ImageSize / PatchSize;

    /// <summary>Tokens of the configured clip: (num_frames / tubelet) · (image / patch)².</summary>
    [JsonIgnore] public int NumPatches => NumFrames / TubeletSize * PatchesPerSide * PatchesPerSide;

    /// <summary>Values of one tubelet patch (tubelet · patch² · channels), the decoder's output width.</summary>
    [JsonIgnore] public int PatchValues => TubeletSize * PatchSize * PatchSize * NumChannels;

    /// <summary>Reads a Hugging Face <c>config.json</c>; unknown fields are ignored, absent ones take the defaults.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid config (names the file and the problem).</exception>
    public static VideoMAEConfig FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no VideoMAE config.json there.", path);
        }
        try
        {
            var config = JsonSerializer.Deserialize<VideoMAEConfig>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path}: the config is JSON null.");
            return config.Validated(path);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not a valid VideoMAE config.json ({error.Message}).", error);
        }
    }

    /// <summary>Checks the divisibility rules the model relies on; <paramref name="origin"/> names the source in messages.</summary>
    /// <exception cref="InvalidDataException">A rule is broken.</exception>
    public VideoMAEConfig Validated(string origin = "config")
    {
        Require(HiddenSize > 0 && NumHiddenLayers >= 0 && NumAttentionHeads > 0 && IntermediateSize > 0, "sizes must be positive");
        Require(HiddenSize % NumAttentionHeads == 0, $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Require(PatchSize > 0 && TubeletSize > 0 && ImageSize % PatchSize == 0, $"image_size {ImageSize} is not a multiple of patch_size {PatchSize}");
        Require(NumFrames % TubeletSize == 0, $"num_frames {NumFrames} is not a multiple of tubelet_size {TubeletSize}");
        Require(DecoderHiddenSize % DecoderNumAttentionHeads == 0,
            $"decoder_hidden_size {DecoderHiddenSize} is not a multiple of decoder_num_attention_heads {DecoderNumAttentionHeads}");
        Require(HiddenAct == "gelu", $"hidden_act '{HiddenAct}' is not supported (VideoMAE uses exact 'gelu')");
        return this;

        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidDataException($"{origin}: {problem}.");
            }
        }
    }
}
