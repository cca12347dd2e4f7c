using SemanticGen.Models.DiT;

namespace SemanticGen.Models.Generators;

/// <summary>
/// How the latent generator's in-context sequence <c>[VAE tokens ; semantic tokens]</c> is cut into the time windows
/// of its shifted-window self-attention (docs/method.md §5, Swin's shifted windows along time only; issue 6).
/// </summary>
/// <param name="Permutation">
/// window order → sequence index: position j of the windowed sequence holds token <c>Permutation[j]</c> of
/// <c>[VAE (t, h, w order) ; semantic (t, h, w order)]</c>
/// </param>
/// <param name="Inverse">sequence index → window order (<c>Inverse[Permutation[j]] = j</c>)</param>
/// <param name="Sizes">tokens of each window, in window order (they sum to the sequence length)</param>
/// <param name="Frames">the VAE latent frames [Start, End) each window spans</param>
public sealed record WindowLayout(long[] Permutation, long[] Inverse, long[] Sizes, (long Start, long End)[] Frames);

/// <summary>
/// Pure functions that place tokens into time windows. The rule (docs/long-video.md):
/// <list type="bullet">
/// <item>Semantic token of time index i (of Ts) belongs to VAE latent frame <c>⌊(i + ½)·T/Ts⌋</c> — the frame whose
/// cell <c>[f − ½, f + ½)</c> holds its centre-aligned RoPE time position <c>(i + ½)·T/Ts − ½</c>
/// (<see cref="LatentGenerator.SemanticPositions"/>); computed in integers, so it is exact.</item>
/// <item>Window order ("interleaved per time step"): for each latent frame f ascending, its H·W VAE tokens (h, w
/// order), then the semantic tokens belonging to f (in their (t, h, w) order). This order does not depend on the
/// shift, so one permutation serves every layer; only the cuts (<see cref="WindowLayout.Sizes"/>) differ.</item>
/// <item>Windows are consecutive frame spans cut at frames <c>s, s + T_w, s + 2·T_w, …</c> (shift s): with s = 0
/// the windows are [0, T_w), [T_w, 2·T_w), …; with s &gt; 0 the first is [0, s). The last is whatever remains, so
/// windows at the ends may be smaller. No padding and no mask: the attention runs each run of equal-size windows
/// as one batch (see <see cref="WanAttention"/>), which attends exactly within windows like Swin's cyclic shift
/// with its mask, without the wasted scores.</item>
/// </list>
/// </summary>
public static class ShiftedWindows
{
    /// <summary>The VAE latent frame (of <paramref name="vaeFrames"/>) semantic time index <paramref name="index"/> (of <paramref name="semanticFrames"/>) belongs to.</summary>
    public static long SemanticFrame(long index, long semanticFrames, long vaeFrames) =>
        (2 * index + 1) * vaeFrames / (2 * semanticFrames);

    /// <summary>
    /// The window layout of a VAE token grid <paramref name="vae"/> followed by a semantic grid
    /// <paramref name="semantic"/> (empty: <c>Tokens = 0</c>) spanning the same video.
    /// </summary>
    /// <param name="windowFrames">T_w, in VAE latent frames (after the patch), ≥ 1</param>
    /// <param name="shift">where the first cut lies, 0 ≤ shift &lt; T_w (Swin: 0 on even layers, T_w/2 on odd ones)</param>
    public static WindowLayout Build(WanTokenGrid vae, WanTokenGrid semantic, long windowFrames, long shift)
    {
        if (vae.Frames < 1 || vae.Height < 1 || vae.Width < 1)
            throw new ArgumentException($"VAE grid {vae} must be positive on every axis.", nameof(vae));
        if (semantic.Tokens > 0 && semantic.Frames > vae.Frames)
            throw new ArgumentException($"semantic grid {semantic} has more frames than the VAE grid {vae}.", nameof(semantic));
        if (windowFrames < 1 || shift < 0 || shift >= windowFrames)
            throw new ArgumentException($"need T_w ≥ 1 and 0 ≤ shift < T_w, got T_w = {windowFrames}, shift = {shift}.");

        var frameTokens = vae.Height * vae.Width;
        var semanticFrameTokens = semantic.Height * semantic.Width;
        var semanticOfFrame = new List<long>[vae.Frames];                                     // semantic time indices per frame
        for (var f = 0; f < vae.Frames; f++)
            semanticOfFrame[f] = [];
        if (semantic.Tokens > 0)
        {
            for (long i = 0; i < semantic.Frames; i++)
                semanticOfFrame[SemanticFrame(i, semantic.Frames, vae.Frames)].Add(i);
        }

        var total = vae.Tokens + semantic.Tokens;
        var permutation = new long[total];
        var sizes = new List<long>();
        var frames = new List<(long, long)>();
        long j = 0, windowStart = 0, windowFirstFrame = 0;
        var window = WindowOf(0, windowFrames, shift);
        for (long f = 0; f < vae.Frames; f++)
        {
            if (WindowOf(f, windowFrames, shift) != window)
            {
                sizes.Add(j - windowStart);
                frames.Add((windowFirstFrame, f));
                (windowStart, windowFirstFrame, window) = (j, f, WindowOf(f, windowFrames, shift));
            }
            for (long v = 0; v < frameTokens; v++)
                permutation[j++] = f * frameTokens + v;                                       // VAE tokens of frame f
            foreach (var i in semanticOfFrame[f])
            {
                for (long s = 0; s < semanticFrameTokens; s++)
                    permutation[j++] = vae.Tokens + i * semanticFrameTokens + s;              // then its semantic tokens
            }
        }
        sizes.Add(j - windowStart);
        frames.Add((windowFirstFrame, vae.Frames));

        var inverse = new long[total];
        for (long k = 0; k < total; k++)
            inverse[permutation[k]] = k;
        return new WindowLayout(permutation, inverse, [.. sizes], [.. frames]);
    }

    /// <summary>
    /// The layouts of each of <paramref name="layers"/> layers, Swin-style: even layers unshifted, odd layers shifted
    /// by ⌊T_w/2⌋. When one window covers the whole video (T_w ≥ T) there is no shift (Swin does the same), so the
    /// windowed model is then exactly full attention.
    /// </summary>
    public static WindowLayout[] PerLayer(WanTokenGrid vae, WanTokenGrid semantic, long windowFrames, int layers)
    {
        var plain = Build(vae, semantic, windowFrames, 0);
        var half = windowFrames / 2;
        var shifted = windowFrames >= vae.Frames || half == 0 ? plain : Build(vae, semantic, windowFrames, half);
        return [.. Enumerable.Range(0, layers).Select(layer => layer % 2 == 0 ? plain : shifted)];
    }

    /// <summary>Index of the window frame <paramref name="frame"/> falls in: cuts at s, s + T_w, … (0 when s = 0 counts as a cut).</summary>
    private static long WindowOf(long frame, long windowFrames, long shift) =>
        (frame + (windowFrames - shift) % windowFrames) / windowFrames;
}
