using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;

/// <summary>
/// A deliberately plain float64 re-statement of the tower for checking shapes no recording covers: it never
/// permutes tokens (attention only cares which tokens share a window, and RoPE follows each token), builds window
/// membership, positions and RoPE angles with loops, attends group by group with explicit softmax, and uses a real
/// conv3d for the patch embedding. Results come out in processor (raster) order.
/// </summary>
internal static class ReferenceTower
{
    // Explicit scalars kept alive for the process (docs/torchsharp-notes.md).
    private static readonly Scalar Two = 2.ToScalar();
    private static readonly Scalar Eps = 1e-6.ToScalar();
    private static readonly Scalar One = 1.ToScalar();

    public sealed record Result(Tensor Merged, Tensor Hidden, long[] WindowOrder);

    public static Result Run(IReadOnlyDictionary<string, Tensor> weights, Qwen25VLVisionConfig c, Tensor pixels, int gt, int gh, int gw)
    {
        Tensor W(string key) => weights[key].to(ScalarType.Float64);
        var (d, heads, hd) = (c.HiddenSize, c.NumHeads, c.HeadDim);
        var (mh, mw, ws) = (gh / 2, gw / 2, c.WindowMergedUnits);
        var slot = gh * gw;
        var n = gt * slot;

        // Token n (processor order) → slot t, merged unit (r, col), sub-position (i, j).
        var tokens = Enumerable.Range(0, n).Select(index =>
        {
            var (t, k) = (index / slot, index % slot);
            var (u, sub) = (k / 4, k % 4);
            return (Index: (long)index, T: t, R: u / mw, C: u % mw, I: sub / 2, J: sub % 2);
        }).ToArray();
        var windows = tokens.GroupBy(x => (x.T, x.R / ws, x.C / ws)).Select(g => g.Select(x => x.Index).ToArray()).ToArray();
        var slots = tokens.GroupBy(x => x.T).Select(g => g.Select(x => x.Index).ToArray()).ToArray();
        var windowOrder = tokens.Where(x => x.I == 0 && x.J == 0)
            .OrderBy(x => x.T).ThenBy(x => x.R / ws).ThenBy(x => x.C / ws).ThenBy(x => x.R).ThenBy(x => x.C)
            .Select(x => x.Index / 4).ToArray();

        // RoPE angles: [row·f_0..row·f_{q-1}, col·f_0..col·f_{q-1}] twice, f_k = θ^(−2k/(hd/2)).
        var quarter = hd / 4;
        var angles = new double[n * hd];
        foreach (var x in tokens)
        {
            for (var k = 0; k < quarter; k++)
            {
                var f = 1.0 / Math.Pow(c.RopeTheta, 2.0 * k / (hd / 2));
                foreach (var offset in new[] { 0, hd / 2 })
                {
                    angles[x.Index * hd + offset + k] = (2 * x.R + x.I) * f;
                    angles[x.Index * hd + offset + quarter + k] = (2 * x.C + x.J) * f;
                }
            }
        }
        var theta = tensor(angles).view(n, 1, hd);
        var (cos, sin) = (theta.cos(), theta.sin());

        var flat = pixels.to(ScalarType.Float64).view(n, c.InChannels, c.TemporalPatchSize, c.PatchSize, c.PatchSize);
        var kernel = new long[] { c.TemporalPatchSize, c.PatchSize, c.PatchSize };
        using var rootHd = Math.Sqrt(hd).ToScalar();
        var h = nn.functional.conv3d(flat, W("patch_embed.proj.weight"), strides: kernel).view(n, d);
        for (var b = 0; b < c.Depth; b++)
        {
            var p = $"blocks.{b}.";
            var qkv = Linear(Rms(h, W(p + "norm1.weight")), W(p + "attn.qkv.weight"), W(p + "attn.qkv.bias")).view(n, 3, heads, hd);
            var q = Rope(qkv[.., 0], cos, sin);
            var k = Rope(qkv[.., 1], cos, sin);
            var v = qkv[.., 2];
            var attended = zeros(n, heads, hd, dtype: ScalarType.Float64);
            foreach (var group in c.FullAttentionBlocks.Contains(b) ? slots : windows)
            {
                var index = tensor(group);
                var (qg, kg, vg) = (q[index].transpose(0, 1), k[index].transpose(0, 1), v[index].transpose(0, 1)); // (H, G, hd)
                var scores = qg.matmul(kg.transpose(1, 2)).div(rootHd).softmax(-1);
                attended.index_copy_(0, index, scores.matmul(vg).transpose(0, 1));
            }
            h = h.add(Linear(attended.view(n, d), W(p + "attn.proj.weight"), W(p + "attn.proj.bias")), One);
            var m = Rms(h, W(p + "norm2.weight"));
            var gate = nn.functional.silu(Linear(m, W(p + "mlp.gate_proj.weight"), W(p + "mlp.gate_proj.bias")));
            var up = Linear(m, W(p + "mlp.up_proj.weight"), W(p + "mlp.up_proj.bias"));
            h = h.add(Linear(gate * up, W(p + "mlp.down_proj.weight"), W(p + "mlp.down_proj.bias")), One);
        }
        var grouped = Rms(h, W("merger.ln_q.weight")).view(n / 4, 4 * d);
        var hidden1 = nn.functional.gelu(Linear(grouped, W("merger.mlp.0.weight"), W("merger.mlp.0.bias")));
        var merged = Linear(hidden1, W("merger.mlp.2.weight"), W("merger.mlp.2.bias"));
        return new Result(merged, h, windowOrder);
    }

    private static Tensor Linear(Tensor x, Tensor weight, Tensor bias) => x.matmul(weight.t()).add(bias, One);

    private static Tensor Rms(Tensor x, Tensor weight) => x * x.pow(Two).mean([-1], keepdim: true).add(Eps).rsqrt() * weight;

    private static Tensor Rope(Tensor x, Tensor cos, Tensor sin)
    {
        var halves = x.chunk(2, -1);
        var rotated = cat([halves[1].neg(), halves[0]], -1);
        return (x * cos).add(rotated * sin, One);
    }
}
