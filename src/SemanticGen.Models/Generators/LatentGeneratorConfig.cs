using SemanticGen.Models.DiT;

namespace SemanticGen.Models.Generators;

/// <summary>
/// SemanticGen's stage-2 VAE-latent generator (docs/method.md §3): the Wan2.1 transformer <see cref="Transformer"/>
/// plus a semantic-token embedding of <see cref="SemanticDim"/>-channel <c>z_sem</c> tokens that are concatenated
/// after the VAE tokens (in-context conditioning).
/// </summary>
/// <remarks>
/// Semantic positions (centre-aligned scaling, the only mapping implemented): a semantic grid (Ts, Hs, Ws)
/// describing a VAE token grid (Tv, Hv, Wv) puts semantic token (i, j, k) at the RoPE position
/// <c>((i + ½)·Tv/Ts − ½, (j + ½)·Hv/Hs − ½, (k + ½)·Wv/Ws − ½)</c>: the centre of the span of VAE tokens it
/// covers, on the same (t, h, w) axes (e.g. 2 semantic over 4 VAE tokens → 0.5, 2.5).
/// Timestep: the whole sequence, semantic tokens included, is modulated by the one (noisy) timestep of the VAE
/// latents, as in ReCamMaster; the semantic tokens themselves are never noised by the model.
/// </remarks>
public sealed record LatentGeneratorConfig
{
    /// <summary>The Wan transformer's sizes (its keys load Wan2.1 checkpoints).</summary>
    public WanTransformerConfig Transformer { get; init; } = WanTransformerPresets.Get("tiny");

    /// <summary>Channels of one z_sem token (the compressor's output; the paper's best is 8).</summary>
    public int SemanticDim { get; init; } = 8;

    /// <summary>Add a learned type vector <c>semantic_embedding.type</c> to every semantic token.</summary>
    public bool SemanticTypeEmbedding { get; init; } = true;

    /// <summary>Rectified-flow t ∈ [0, 1] is given to Wan's timestep embedder as t·<see cref="TimestepScale"/>.</summary>
    public double TimestepScale { get; init; } = 1000.0;

    /// <summary>
    /// Self-attention window T_w in VAE latent frames (after the patch), for long videos (docs/method.md §5,
    /// docs/long-video.md): null (default) attends over the whole sequence; set, each window holds its frames' VAE
    /// tokens and the semantic tokens of the same span (<see cref="ShiftedWindows"/>), and odd layers shift the windows
    /// by ⌊T_w/2⌋. No new weights: a full-attention model's checkpoint loads unchanged.
    /// </summary>
    public int? WindowFrames { get; init; }

    /// <summary>Checks the sizes; returns this.</summary>
    public LatentGeneratorConfig Validated()
    {
        Transformer.Validated();
        if (SemanticDim < 1)
            throw new ArgumentException($"SemanticDim must be positive, got {SemanticDim}.");
        if (!(TimestepScale > 0))
            throw new ArgumentException($"TimestepScale must be positive, got {TimestepScale}.");
        if (WindowFrames is < 1)
            throw new ArgumentException($"WindowFrames must be positive (or null for full attention), got {WindowFrames}.");
        return this;
    }
}
