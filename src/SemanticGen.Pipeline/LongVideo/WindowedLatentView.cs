using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// A view of a loaded <see cref="LatentGenerator"/> under another <see cref="LatentGeneratorConfig"/> (its
/// <see cref="LatentGeneratorConfig.WindowFrames"/> set): the same modules and weights, nothing copied (the windows add
/// no parameters), plus the per-shot cross-attention block mask of long videos. The forward is
/// <see cref="LatentGenerator.forward(Tensor, Tensor, Tensor, Tensor?, WanTokenGrid)"/> with the window rule of
/// <see cref="ShiftedWindows"/>, and each shot's tokens (its VAE tokens and its semantic tokens, contiguous in the
/// interleaved window order) attend only to that shot's text.
/// </summary>
public sealed class WindowedLatentView
{
    private readonly LatentGenerator _model;

    /// <param name="model">the loaded generator (not owned: the view never disposes it)</param>
    /// <param name="windowFrames">T_w in latent token frames (one shot's latent frames for a Shapes World story)</param>
    public WindowedLatentView(LatentGenerator model, int windowFrames)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Config = (model.Config with { WindowFrames = windowFrames }).Validated();
    }

    /// <summary>The loaded generator's config with the window set.</summary>
    public LatentGeneratorConfig Config { get; }

    /// <param name="noisyLatents">z_t of all shots back to back in time (B, C, S·F, H, W) (B = 1 when sampling, the batch in story training)</param>
    /// <param name="timestep">(B,) or (1,) in Wan's [0, 1000] scale</param>
    /// <param name="text">the S shots' text states concatenated along the text axis (B, S·L, text_dim)</param>
    /// <param name="zSem">semantic tokens of all shots (B, S·Ts·Hs·Ws, d) in (t, h, w) order of <paramref name="semanticGrid"/></param>
    /// <param name="semanticGrid">(S·Ts, Hs, Ws)</param>
    /// <param name="shots">S; each shot is an equal span of latent frames and of semantic frames</param>
    /// <param name="cleanFrames">
    /// latent token frames at the start that are clean context (a finished shot the others continue): their VAE tokens are
    /// modulated at t = 0 (Wan2.2's per-token timesteps), every other token at <paramref name="timestep"/>; 0: one
    /// timestep for all
    /// </param>
    /// <returns>velocity (B, C_out, S·F, H, W)</returns>
    public Tensor forward(Tensor noisyLatents, Tensor timestep, Tensor text, Tensor zSem, WanTokenGrid semanticGrid, int shots, long cleanFrames = 0)
    {
        var transformer = _model.Transformer;
        using var scope = NewDisposeScope();
        var (tokens, grid) = transformer.Patchify(noisyLatents);                                // (B, Nv, D)
        if (cleanFrames < 0 || cleanFrames > grid.Frames)
            throw new ArgumentOutOfRangeException(nameof(cleanFrames), $"clean context of {cleanFrames} frames does not fit {grid.Frames} latent frames.");
        var (cos, sin) = transformer.Rope.ForGrid(grid.Frames, grid.Height, grid.Width, tokens.device); // (Nv, d/2) each
        var conditionTimestep = cleanFrames == 0
            ? timestep                                                                          // (B,)
            : CleanContext.PerTokenTimesteps(timestep, tokens.shape[0], cleanFrames * grid.Height * grid.Width, grid.Tokens + zSem.shape[1]); // (B, N)
        var (temb, modulation, textTokens) = transformer.Condition(conditionTimestep, text);   // (B, D), (B, 6, D), (B, S·L, D); per token (B, N, D), (B, N, 6, D)
        var semantic = _model.SemanticEmbedding.forward(zSem).to(tokens.dtype);                // (B, Ns, D)
        tokens = cat([tokens, semantic], dim: 1);                                               // (B, Nv + Ns, D)
        var (cosS, sinS) = transformer.Rope.Tables(LatentGenerator.SemanticPositions(semanticGrid, grid, tokens.device)); // (Ns, d/2)
        cos = cat([cos, cosS], dim: 0);                                                         // (N, d/2)
        sin = cat([sin, sinS], dim: 0);                                                         // (N, d/2)

        var layouts = ShiftedWindows.PerLayer(grid, semanticGrid, Config.WindowFrames!.Value, transformer.Config.NumLayers);
        var segments = ShotSegments(layouts[0], grid, shots, text.shape[1] / shots);
        var permutation = tensor(layouts[0].Permutation, device: tokens.device);               // (N,)
        var inverse = tensor(layouts[0].Inverse, device: tokens.device);                       // (N,)
        var windowed = tokens.index_select(1, permutation);                                    // (B, N, D) window order
        var sizes = layouts.Select(layout => (IReadOnlyList<long>?)layout.Sizes).ToArray();
        if (cleanFrames > 0)
            modulation = modulation.index_select(1, permutation);                              // (B, N, 6, D) window order
        windowed = transformer.Blocks(windowed, textTokens, modulation, cos.index_select(0, permutation), sin.index_select(0, permutation),
            sizes, segments);                                                                   // (B, N, D)
        tokens = windowed.index_select(1, inverse);                                            // (B, N, D) sequence order
        var patches = transformer.Head(tokens.narrow(1, 0, grid.Tokens), cleanFrames > 0 ? temb.narrow(1, 0, grid.Tokens) : temb); // (B, Nv, P)
        return transformer.Unpatchify(patches, grid).MoveToOuterDisposeScope();                // (B, C_out, S·F, H, W)
    }

    /// <summary>
    /// The shots' spans in window order: every token's shot (VAE token: its frame's; semantic token: the frame
    /// <see cref="ShiftedWindows.SemanticFrame"/> puts it in) must be non-decreasing along the order, which holds when
    /// each shot's semantic frames fall inside its own latent frames.
    /// </summary>
    public static CrossAttentionSegments ShotSegments(WindowLayout layout, WanTokenGrid vae, int shots, long textPerShot)
    {
        if (vae.Frames % shots != 0)
            throw new ArgumentException($"{vae.Frames} latent frames do not split into {shots} equal shots.");
        var framesPerShot = vae.Frames / shots;
        var counts = new long[shots];
        var previous = 0L;
        foreach (var index in layout.Permutation)
        {
            var frame = index < vae.Tokens ? index / (vae.Height * vae.Width) : -1;
            var shot = frame >= 0 ? frame / framesPerShot : previous;                          // a semantic token follows its frame's VAE tokens
            if (shot < previous)
                throw new InvalidOperationException("a shot's tokens are not contiguous in the window order.");
            counts[shot]++;
            previous = shot;
        }
        return new CrossAttentionSegments(counts, [.. Enumerable.Repeat(textPerShot, shots)]);
    }
}
