using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Models.VideoVae;

/// <summary>
/// The Wan2.1 video VAE's sizes (diffusers <c>AutoencoderKLWan</c> constructor; defaults = the published Wan2.1 VAE,
/// 126,892,531 parameters). Property names follow diffusers' <c>config.json</c> keys so <see cref="FromJson"/> reads
/// a checkpoint's config as it is.
/// </summary>
public sealed record WanVaeConfig
{
    /// <summary>Channels of the first encoder stage (and the last decoder stage); stage i has <c>base_dim · dim_mult[i]</c>.</summary>
    [JsonPropertyName("base_dim")] public int BaseDim { get; init; } = 96;

    /// <summary>Latent channels (the encoder outputs twice as many: mean and log-variance).</summary>
    [JsonPropertyName("z_dim")] public int ZDim { get; init; } = 16;

    [JsonPropertyName("dim_mult")] public IReadOnlyList<int> DimMult { get; init; } = [1, 2, 4, 4];

    [JsonPropertyName("num_res_blocks")] public int NumResBlocks { get; init; } = 2;

    /// <summary>Spatial scales (1, 0.5, …) that get an attention block after each residual block; Wan2.1 uses none.</summary>
    [JsonPropertyName("attn_scales")] public IReadOnlyList<double> AttnScales { get; init; } = [];

    /// <summary>Per downsampling stage: also halve time (the reference's spelling). The decoder uses it reversed.</summary>
    [JsonPropertyName("temperal_downsample")] public IReadOnlyList<bool> TemperalDownsample { get; init; } = [false, true, true];

    /// <summary>Dropout inside residual blocks; 0 in Wan2.1 (any other value is rejected: not needed, not implemented).</summary>
    [JsonPropertyName("dropout")] public double Dropout { get; init; }

    /// <summary>Per-channel latent statistics of Wan2.1 (used by the pipelines, not by encode/decode).</summary>
    [JsonPropertyName("latents_mean")] public IReadOnlyList<double> LatentsMean { get; init; } =
        [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921];

    [JsonPropertyName("latents_std")] public IReadOnlyList<double> LatentsStd { get; init; } =
        [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160];

    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;

    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;

    /// <summary>Frames per latent frame after the first (2^number of temporal downsamplings; 4 for Wan2.1).</summary>
    [JsonIgnore] public int TemporalCompression => 1 << TemperalDownsample.Count(t => t);

    /// <summary>Pixels per latent pixel along H and W (2^(stages − 1); 8 for Wan2.1).</summary>
    [JsonIgnore] public int SpatialCompression => 1 << (DimMult.Count - 1);

    /// <summary>Throws when the sizes cannot build the Wan2.1 architecture.</summary>
    public WanVaeConfig Validate()
    {
        if (BaseDim <= 0 || ZDim <= 0 || NumResBlocks <= 0 || InChannels <= 0 || OutChannels <= 0)
            throw new ArgumentException("base_dim, z_dim, num_res_blocks, in_channels and out_channels must be positive.");
        if (DimMult.Count < 1 || DimMult.Any(m => m <= 0))
            throw new ArgumentException("dim_mult needs at least one positive multiplier.");
        if (TemperalDownsample.Count != DimMult.Count - 1)
            throw new ArgumentException($"temperal_downsample needs {DimMult.Count - 1} entries (one per downsampling), got {TemperalDownsample.Count}.");
        if (LatentsMean.Count != ZDim || LatentsStd.Count != ZDim)
            throw new ArgumentException($"latents_mean and latents_std need z_dim = {ZDim} entries, got {LatentsMean.Count} and {LatentsStd.Count}.");
        if (LatentsStd.Any(s => s <= 0))
            throw new ArgumentException("latents_std entries must be positive.");
        if (Dropout != 0)
            throw new NotSupportedException("dropout other than 0 is not implemented (Wan2.1 uses 0).");
        return this;
    }

    /// <summary>Reads a diffusers <c>config.json</c> (unknown keys are ignored; absent keys keep the Wan2.1 defaults).</summary>
    public static WanVaeConfig FromJson(string path)
    {
        using var stream = File.OpenRead(path);
        var config = JsonSerializer.Deserialize<WanVaeConfig>(stream)
            ?? throw new InvalidDataException($"{path}: not a JSON object.");
        if (config.DecoderBaseDim is not null && config.DecoderBaseDim != config.BaseDim)
            throw new NotSupportedException($"{path}: decoder_base_dim other than base_dim is not supported.");
        if (config.IsResidual)
            throw new NotSupportedException($"{path}: is_residual (the Wan2.2 VAE) is not supported.");
        if (config.PatchSize is not null and not 1)
            throw new NotSupportedException($"{path}: patch_size (the Wan2.2 VAE) is not supported.");
        return config.Validate();
    }

    // Read only to reject Wan2.2 configs instead of silently building the wrong network.
    [JsonPropertyName("decoder_base_dim")] public int? DecoderBaseDim { get; init; }

    [JsonPropertyName("is_residual")] public bool IsResidual { get; init; }

    [JsonPropertyName("patch_size")] public int? PatchSize { get; init; }
}
