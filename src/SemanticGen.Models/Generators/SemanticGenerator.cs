using SemanticGen.Abstractions.Encoders;
using SemanticGen.Models.DiT;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Generators;

/// <summary>
/// SemanticGen's stage 1 (arXiv 2512.20619 §3; docs/method.md §3–§4): a rectified-flow Wan2.1 transformer over
/// z_sem tokens, conditioned on text through its cross-attention, predicting the velocity ε − z₀ of the whole
/// video's semantic plan. The transformer is <see cref="WanTransformer3DModel"/> unchanged, with
/// <c>in_channels = out_channels = d</c> (the compressor's token width) and <c>patch_size = (1, 1, 1)</c>: a semantic
/// grid is already coarse (Qwen2.5-VL merges 2 frames × 28 × 28 px per token, ~1/16 of the VAE tokens), so each
/// z_sem token becomes one transformer token and the 3-axis RoPE sees the semantic grid itself.
/// </summary>
public sealed class SemanticGenerator : nn.Module
{
    // Field name is the key prefix: transformer.blocks.0.attn1.to_q.weight, … (load Wan weights into Transformer).
    private readonly WanTransformer3DModel transformer;

    /// <param name="baseConfig">the transformer's sizes (e.g. a <see cref="WanTransformerPresets"/> entry); its channels and patch are replaced</param>
    /// <param name="tokenDim">channels d of one z_sem token (<see cref="SemanticCompressorConfig.TokenDim"/>)</param>
    /// <param name="device">where parameters are created</param>
    /// <param name="dtype">compute dtype of the projections (see <see cref="WanTransformer3DModel"/>)</param>
    public SemanticGenerator(WanTransformerConfig baseConfig, int tokenDim, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(SemanticGenerator))
    {
        transformer = new WanTransformer3DModel(ConfigFor(baseConfig, tokenDim), device, dtype);
        RegisterComponents();
    }

    /// <summary>The underlying Wan transformer (its pieces, RoPE, gradient checkpointing, weight loading).</summary>
    public WanTransformer3DModel Transformer => transformer;

    /// <summary>Channels d of one z_sem token.</summary>
    public int TokenDim => transformer.Config.InChannels;

    /// <summary><paramref name="baseConfig"/> with <c>in_channels = out_channels = tokenDim</c> and <c>patch_size = (1, 1, 1)</c>.</summary>
    public static WanTransformerConfig ConfigFor(WanTransformerConfig baseConfig, int tokenDim)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokenDim);
        return (baseConfig with { InChannels = tokenDim, OutChannels = tokenDim, PatchSize = [1, 1, 1] }).Validated();
    }

    /// <param name="noisyZ">noisy z_sem tokens (B, T·H·W, d) in raster order of <paramref name="grid"/></param>
    /// <param name="grid">the semantic token grid</param>
    /// <param name="timestep">(B,) float in [0, 1000] (σ · 1000, as Wan)</param>
    /// <param name="text">text hidden states (B, L, text_dim)</param>
    /// <returns>velocity (B, T·H·W, d) in the model's dtype</returns>
    public Tensor forward(Tensor noisyZ, SemanticGrid grid, Tensor timestep, Tensor text)
    {
        if (noisyZ.dim() != 3 || noisyZ.shape[1] != grid.Count || noisyZ.shape[2] != TokenDim)
            throw new ArgumentException($"noisyZ ({string.Join(", ", noisyZ.shape)}) must be (B, {grid.Count}, {TokenDim}) for grid {grid}.", nameof(noisyZ));
        using var scope = NewDisposeScope();
        var batch = noisyZ.shape[0];
        var latents = noisyZ.transpose(1, 2).reshape(batch, TokenDim, grid.T, grid.H, grid.W); // (B, d, T, H, W)
        var velocity = transformer.forward(latents, timestep, text);                           // (B, d, T, H, W)
        return velocity.flatten(2).transpose(1, 2).contiguous().MoveToOuterDisposeScope();    // (B, T·H·W, d)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            transformer.Dispose();
        }
        base.Dispose(disposing);
    }
}
