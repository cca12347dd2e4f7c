using SemanticGen.Models.DiT;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.DiT;

/// <summary>
/// A second, deliberately plain Wan2.1 transformer forward written from the diffusers source in float64: patches
/// as a matmul (not a conv), attention as an explicit softmax, norms from mean/variance, the timestep features
/// and RoPE angles from scalar loops, unpatchify by index arithmetic. It shares no code with the model, so it
/// checks shapes that have no recorded reference (more frames, non-square, batches, other timesteps, longer text).
/// </summary>
internal sealed class NaiveWanReference : IDisposable
{
    private readonly Dictionary<string, Tensor> _w;
    private readonly WanTransformerConfig _c;

    public NaiveWanReference(string fixtureDir)
    {
        _c = WanTransformerConfig.FromJson(Path.Combine(fixtureDir, "config.json"));
        using var source = TensorSource.Open(fixtureDir);
        _w = source.Keys.ToDictionary(k => k, k => source.ReadTensor(k, ScalarType.Float64));
    }

    private static Tensor D(double value) => tensor(value, ScalarType.Float64);

    private Tensor Linear(Tensor x, string name) => matmul(x, _w[name + ".weight"].t()) + _w[name + ".bias"];

    private static Tensor Silu(Tensor x) => x * x.sigmoid();

    private static Tensor GeluTanh(Tensor x) =>
        D(0.5) * x * (D(1.0) + (D(Math.Sqrt(2.0 / Math.PI)) * (x + D(0.044715) * x * x * x)).tanh());

    private Tensor LayerNorm(Tensor x)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).square().mean([-1], keepdim: true);
        return (x - mean) / (variance + D(_c.Eps)).sqrt();
    }

    private Tensor Rms(Tensor x, string name) => x / (x.square().mean([-1], keepdim: true) + D(_c.Eps)).sqrt() * _w[name];

    /// <summary>[cos(t·f_i), sin(t·f_i)], f_i = 10000^(−i/half), from Math.* in double.</summary>
    public static double[] TimestepFeatures(double t, int dim)
    {
        var half = dim / 2;
        var features = new double[dim];
        for (var i = 0; i < half; i++)
        {
            var angle = t * Math.Exp(-Math.Log(10_000.0) * i / half);
            features[i] = Math.Cos(angle);
            features[half + i] = Math.Sin(angle);
        }
        return features;
    }

    /// <summary>The angle of every (token, channel pair) for (t, h, w) positions, from scalar loops.</summary>
    public static double[,] RopeAngles(IReadOnlyList<(double T, double H, double W)> positions, int headDim)
    {
        var hw = 2 * (headDim / 6);
        int[] bands = [headDim - 2 * hw, hw, hw];
        var angles = new double[positions.Count, headDim / 2];
        for (var n = 0; n < positions.Count; n++)
        {
            var (pair, p) = (0, positions[n]);
            double[] coordinate = [p.T, p.H, p.W];
            for (var axis = 0; axis < 3; axis++)
            {
                for (var i = 0; i < bands[axis] / 2; i++, pair++)
                {
                    angles[n, pair] = coordinate[axis] / Math.Pow(10_000.0, 2.0 * i / bands[axis]);
                }
            }
        }
        return angles;
    }

    /// <summary>Rotates pairs (2j, 2j+1) of x (B, N, h, d) by angles (N, d/2).</summary>
    public static Tensor Rotate(Tensor x, double[,] angles)
    {
        var (n, pairs) = (angles.GetLength(0), angles.GetLength(1));
        var flat = new double[n * pairs];
        Buffer.BlockCopy(angles, 0, flat, 0, flat.Length * sizeof(double));
        var a = tensor(flat, [n, 1, pairs], ScalarType.Float64);
        var even = x[.., .., .., TensorIndex.Slice(0, null, 2)];
        var odd = x[.., .., .., TensorIndex.Slice(1, null, 2)];
        var outEven = even * a.cos() - odd * a.sin();
        var outOdd = even * a.sin() + odd * a.cos();
        return stack([outEven, outOdd], dim: -1).flatten(3);
    }

    private Tensor Attention(Tensor x, Tensor context, string prefix, double[,]? angles)
    {
        var (heads, d) = (_c.NumAttentionHeads, _c.AttentionHeadDim);
        var (b, n, l) = (x.shape[0], x.shape[1], context.shape[1]);
        var q = Rms(Linear(x, prefix + ".to_q"), prefix + ".norm_q.weight").view(b, n, heads, d);
        var k = Rms(Linear(context, prefix + ".to_k"), prefix + ".norm_k.weight").view(b, l, heads, d);
        var v = Linear(context, prefix + ".to_v").view(b, l, heads, d);
        if (angles is not null)
        {
            q = Rotate(q, angles);
            k = Rotate(k, angles);
        }
        var scores = matmul(q.transpose(1, 2), k.transpose(1, 2).transpose(2, 3)) / D(Math.Sqrt(d)); // (B, h, N, L)
        var weights = scores.exp() / scores.exp().sum([-1], keepdim: true);
        var o = matmul(weights, v.transpose(1, 2)).transpose(1, 2).reshape(b, n, heads * d);
        return Linear(o, prefix + ".to_out.0");
    }

    public Tensor Forward(Tensor latents, double[] timesteps, Tensor text)
    {
        using var scope = NewDisposeScope();
        var (pt, ph, pw) = (_c.PatchSize[0], _c.PatchSize[1], _c.PatchSize[2]);
        var x = latents.to(ScalarType.Float64);
        var (b, ch, f, h, w) = (x.shape[0], x.shape[1], x.shape[2] / pt, x.shape[3] / ph, x.shape[4] / pw);
        var dim = _c.InnerDim;

        // patches as vectors (C, pt, ph, pw) and one matmul
        var patches = x.reshape(b, ch, f, pt, h, ph, w, pw).permute(0, 2, 4, 6, 1, 3, 5, 7).reshape(b, f * h * w, -1);
        var tokens = matmul(patches, _w["patch_embedding.weight"].reshape(dim, -1).t()) + _w["patch_embedding.bias"];

        var features = tensor(timesteps.SelectMany(t => TimestepFeatures(t, _c.FreqDim)).ToArray(), [b, _c.FreqDim], ScalarType.Float64);
        var temb = Linear(Silu(Linear(features, "condition_embedder.time_embedder.linear_1")), "condition_embedder.time_embedder.linear_2");
        var modulation = Linear(Silu(temb), "condition_embedder.time_proj").view(b, 6, dim);
        var context = Linear(GeluTanh(Linear(text.to(ScalarType.Float64), "condition_embedder.text_embedder.linear_1")), "condition_embedder.text_embedder.linear_2");

        var positions = new List<(double, double, double)>();
        for (var i = 0; i < f; i++) for (var j = 0; j < h; j++) for (var k = 0; k < w; k++) positions.Add((i, j, k));
        var angles = RopeAngles(positions, _c.AttentionHeadDim);

        for (var layer = 0; layer < _c.NumLayers; layer++)
        {
            var p = $"blocks.{layer}";
            var m = _w[p + ".scale_shift_table"] + modulation;                                // (B, 6, D)
            Tensor Mod(int i) => m[.., i..(i + 1), ..];
            var normed = LayerNorm(tokens) * (D(1.0) + Mod(1)) + Mod(0);
            tokens = tokens + Attention(normed, normed, p + ".attn1", angles) * Mod(2);
            var crossIn = LayerNorm(tokens) * _w[p + ".norm2.weight"] + _w[p + ".norm2.bias"];
            tokens = tokens + Attention(crossIn, context, p + ".attn2", null);
            normed = LayerNorm(tokens) * (D(1.0) + Mod(4)) + Mod(3);
            tokens = tokens + Linear(GeluTanh(Linear(normed, p + ".ffn.net.0.proj")), p + ".ffn.net.2") * Mod(5);
        }

        var final = _w["scale_shift_table"] + temb.unsqueeze(1);                             // (B, 2, D)
        var head = Linear(LayerNorm(tokens) * (D(1.0) + final[.., 1..2, ..]) + final[.., 0..1, ..], "proj_out"); // (B, N, P)

        // unpatchify by index arithmetic: output channel c of patch cell (i, j, k) is column ((i·ph + j)·pw + k)·C + c
        var cOut = _c.OutChannels;
        var output = zeros([b, cOut, f * pt, h * ph, w * pw], dtype: ScalarType.Float64);
        for (var n = 0; n < f * h * w; n++)
        {
            var (tf, th, tw) = (n / (h * w), n / w % h, n % w);
            for (var i = 0; i < pt; i++) for (var j = 0; j < ph; j++) for (var k = 0; k < pw; k++)
            {
                var column = ((i * ph + j) * pw + k) * cOut;
                output[.., .., tf * pt + i, th * ph + j, tw * pw + k] = head[.., n, column..(column + cOut)];
            }
        }
        return output.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var t in _w.Values) t.Dispose();
    }
}
