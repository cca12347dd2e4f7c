using SemanticGen.Models.DiT;
using TorchSharp;
using static TorchSharp.torch;
using SemanticGen.Abstractions;

namespace SemanticGen.Models.Generators;

/// <summary>
/// SemanticGen's stage-2 VAE-latent generator (docs/method.md §3–§4): the Wan2.1 transformer run on the in-context
/// sequence <c>[noisy VAE latent tokens ; z_sem tokens]</c>. Semantic tokens are clean, embedded by
/// <c>semantic_embedding</c>, placed on the VAE tokens' (t, h, w) RoPE axes by <see cref="SemanticPositions"/>, and
/// dropped before the output head, so the velocity (and any loss on it) covers the VAE latents only. Text
/// cross-attention and the timestep modulation are Wan's, unchanged; one timestep modulates the whole sequence.
/// </summary>
/// <remarks>
/// Keys: the Wan transformer's under <c>transformer.</c> (e.g. <c>transformer.blocks.0.attn1.to_q.weight</c>) and
/// the new <c>semantic_embedding.proj.{weight,bias}</c>, <c>semantic_embedding.type</c>. A Wan2.1 checkpoint (no
/// prefix) loads with <see cref="LatentGeneratorWeights.LoadWan"/>. The base is a registered child rather than
/// flattened to the top level because TorchSharp's <c>Module.to</c> re-creates a module's own parameters and only
/// re-points fields of that module: Wan's top-level <c>scale_shift_table</c> registered here would go stale.
/// </remarks>
public sealed class LatentGenerator : nn.Module
{
    // Field names are the checkpoint prefixes.
    private readonly WanTransformer3DModel transformer;
    private readonly SemanticTokenEmbedding semantic_embedding;

    /// <param name="config">sizes; see <see cref="LatentGeneratorConfig"/></param>
    /// <param name="device">where parameters are created</param>
    /// <param name="dtype">compute dtype of the projections (Wan keeps its modulation in float32)</param>
    public LatentGenerator(LatentGeneratorConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(LatentGenerator))
    {
        Config = config.Validated();
        transformer = new WanTransformer3DModel(config.Transformer, device, dtype);
        semantic_embedding = new SemanticTokenEmbedding(config.SemanticDim, config.Transformer.InnerDim, config.SemanticTypeEmbedding, device, dtype);
        RegisterComponents();
    }

    public LatentGeneratorConfig Config { get; }

    /// <summary>The Wan2.1 base (keys under <c>transformer.</c>).</summary>
    public WanTransformer3DModel Transformer => transformer;

    /// <summary>The new semantic-token embedding (keys under <c>semantic_embedding.</c>).</summary>
    public SemanticTokenEmbedding SemanticEmbedding => semantic_embedding;

    /// <summary>The plain Wan path: no semantic tokens.</summary>
    public Tensor forward(Tensor noisyLatents, Tensor timestep, Tensor text) =>
        forward(noisyLatents, timestep, text, null, default);

    /// <param name="noisyLatents">VAE latents z_t (B, C, F, H, W)</param>
    /// <param name="timestep">(B,) in Wan's [0, 1000] scale</param>
    /// <param name="text">text hidden states (B, L, text_dim)</param>
    /// <param name="zSem">clean semantic tokens (B, Ts·Hs·Ws, SemanticDim) in (t, h, w) order, or null / Ns = 0 for none</param>
    /// <param name="semanticGrid">the (Ts, Hs, Ws) grid of <paramref name="zSem"/>, spanning the same video as the latents</param>
    /// <returns>velocity of the VAE latents (B, C_out, F, H, W)</returns>
    public Tensor forward(Tensor noisyLatents, Tensor timestep, Tensor text, Tensor? zSem, WanTokenGrid semanticGrid)
    {
        using var scope = NewDisposeScope();
        var (tokens, grid) = transformer.Patchify(noisyLatents);                                // (B, Nv, D)
        var (cos, sin) = transformer.Rope.ForGrid(grid.Frames, grid.Height, grid.Width, tokens.device); // (Nv, d/2) each, cached
        var (temb, modulation, textTokens) = transformer.Condition(timestep, text);            // (B, D), (B, 6, D), (B, L, D)
        if (zSem is not null && zSem.numel() > 0)
        {
            CheckSemantic(zSem, semanticGrid, tokens.shape[0]);
            var semantic = semantic_embedding.forward(zSem).to(tokens.dtype);                  // (B, Ns, D)
            tokens = cat([tokens, semantic], dim: 1);                                           // (B, Nv + Ns, D)
            var (cosS, sinS) = transformer.Rope.Tables(SemanticPositions(semanticGrid, grid, tokens.device)); // (Ns, d/2) each
            cos = cat([cos, cosS], dim: 0);                                                     // (Nv + Ns, d/2)
            sin = cat([sin, sinS], dim: 0);                                                     // (Nv + Ns, d/2)
        }
        tokens = Config.WindowFrames is { } windowFrames
            ? WindowedBlocks(tokens, textTokens, modulation, cos, sin, grid, zSem is not null && zSem.numel() > 0 ? semanticGrid : default, windowFrames)
            : transformer.Blocks(tokens, textTokens, modulation, cos, sin);                    // (B, Nv + Ns, D)
        var patches = transformer.Head(tokens.narrow(1, 0, grid.Tokens), temb);                // (B, Nv, C_out·pt·ph·pw)
        return transformer.Unpatchify(patches, grid).MoveToOuterDisposeScope();                // (B, C_out, F, H, W)
    }

    /// <summary>
    /// The blocks with shifted-window self-attention: the sequence (and its RoPE tables) is put once into the
    /// interleaved window order of <see cref="ShiftedWindows"/> (the same for every layer), each layer attends within
    /// its windows (odd layers shifted), and the result returns to <c>[VAE ; semantic]</c> order.
    /// </summary>
    private Tensor WindowedBlocks(Tensor tokens, Tensor text, Tensor modulation, Tensor cos, Tensor sin, WanTokenGrid vae, WanTokenGrid semantic, int windowFrames)
    {
        using var scope = NewDisposeScope();
        var layouts = ShiftedWindows.PerLayer(vae, semantic, windowFrames, transformer.Config.NumLayers);
        var permutation = tensor(layouts[0].Permutation, device: tokens.device);               // (N,)
        var inverse = tensor(layouts[0].Inverse, device: tokens.device);                       // (N,)
        var windowed = tokens.index_select(1, permutation);                                    // (B, N, D) window order
        var windowedCos = cos.index_select(0, permutation);                                    // (N, d/2)
        var windowedSin = sin.index_select(0, permutation);                                    // (N, d/2)
        var sizes = layouts.Select(layout => (IReadOnlyList<long>?)layout.Sizes).ToArray();
        windowed = transformer.Blocks(windowed, text, modulation, windowedCos, windowedSin, sizes); // (B, N, D)
        return windowed.index_select(1, inverse).MoveToOuterDisposeScope();                    // (B, N, D) sequence order
    }

    /// <summary>
    /// RoPE positions (Ns, 3) float64, in (t, h, w) token order, of a semantic grid describing the VAE token grid
    /// <paramref name="vae"/>: per axis <c>(i + ½)·V/S − ½</c>, the centre of the VAE tokens that token i covers.
    /// </summary>
    public static Tensor SemanticPositions(WanTokenGrid semantic, WanTokenGrid vae, Device? device = null)
    {
        if (semantic.Frames < 1 || semantic.Height < 1 || semantic.Width < 1)
            throw new ArgumentException($"semantic grid {semantic} must be positive on every axis.", nameof(semantic));
        using var scope = NewDisposeScope();
        using var half = 0.5.ToScalar();
        var index = WanRotaryEmbedding.GridPositions(semantic.Frames, semantic.Height, semantic.Width, device); // (Ns, 3) integers
        var scale = tensor(new[]
        {
            vae.Frames / (double)semantic.Frames, vae.Height / (double)semantic.Height, vae.Width / (double)semantic.Width,
        }, ScalarType.Float64, device);                                                         // (3,)
        return index.add(half, TorchScalars.One).mul(scale).sub(half).MoveToOuterDisposeScope();                  // (Ns, 3)
    }

    private void CheckSemantic(Tensor zSem, WanTokenGrid grid, long batch)
    {
        if (zSem.dim() != 3 || zSem.shape[0] != batch || zSem.shape[1] != grid.Tokens || zSem.shape[2] != Config.SemanticDim)
            throw new ArgumentException(
                $"zSem ({string.Join(", ", zSem.shape)}) must be (B={batch}, Ts·Hs·Ws={grid.Tokens} for grid {grid}, SemanticDim={Config.SemanticDim}).",
                nameof(zSem));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            transformer.Dispose();
            semantic_embedding.Dispose();
        }
        base.Dispose(disposing);
    }
}
