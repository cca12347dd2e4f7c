using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>
/// VideoMAE's forward pass written plainly from a state dict (patches by reshaping, attention by softmax(QKᵀ/√d)V, the
/// sin-cos table by loops), independent of the plugin's modules. Checked against the recorded fixture, then used as the
/// reference for shapes the fixture does not cover.
/// </summary>
internal static class PlainVideoMAE
{
    public static double[,] Table(int positions, int dim)
    {
        var table = new double[positions, dim];
        for (var pos = 0; pos < positions; pos++)
        {
            for (var j = 0; j < dim; j++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                table[pos, j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        }
        return table;
    }

    /// <summary>(B, T, C, H, W) → (B, N, E) token by token in raster order, with the projection applied to each flattened patch.</summary>
    public static Tensor Embed(IReadOnlyDictionary<string, Tensor> sd, Tensor pixels, int tubelet, int patch)
    {
        var weight = sd["embeddings.patch_embeddings.projection.weight"];      // (E, C, tubelet, p, p)
        var bias = sd["embeddings.patch_embeddings.projection.bias"];
        long b = pixels.shape[0], t = pixels.shape[1] / tubelet, c = pixels.shape[2], h = pixels.shape[3] / patch, w = pixels.shape[4] / patch;
        var flatWeight = weight.reshape(weight.shape[0], -1);
        var tokens = new List<Tensor>();
        for (long ti = 0; ti < t; ti++)
        {
            for (long hi = 0; hi < h; hi++)
            {
                for (long wi = 0; wi < w; wi++)
                {
                    var cube = pixels[.., TensorIndex.Slice(ti * tubelet, (ti + 1) * tubelet), .., TensorIndex.Slice(hi * patch, (hi + 1) * patch),
                        TensorIndex.Slice(wi * patch, (wi + 1) * patch)];               // (B, tubelet, C, p, p)
                    var vector = cube.permute(0, 2, 1, 3, 4).reshape(b, -1);            // (B, C·tubelet·p·p) like the kernel
                    tokens.Add(vector.matmul(flatWeight.t()) + bias);
                }
            }
        }
        var x = stack(tokens, 1);                                                       // (B, N, E)
        var table = Table((int)x.shape[1], (int)x.shape[2]);
        return x + tensor(table, dtype: ScalarType.Float64).to(x.dtype);
    }

    public static Tensor Forward(IReadOnlyDictionary<string, Tensor> sd, Tensor pixels, VideoMAEConfig config)
    {
        using var scope = NewDisposeScope();
        var x = Embed(sd, pixels, config.TubeletSize, config.PatchSize);
        long b = x.shape[0], n = x.shape[1], e = x.shape[2], heads = config.NumAttentionHeads, d = e / heads;
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var p = $"encoder.layer.{i}.";
            Tensor Linear(Tensor input, string name) => input.matmul(sd[p + name + ".weight"].t()) + sd[p + name + ".bias"];
            Tensor Norm(Tensor input, string name) =>
                nn.functional.layer_norm(input, [e], sd[p + name + ".weight"], sd[p + name + ".bias"], config.LayerNormEps);
            Tensor Heads(Tensor input) => input.reshape(b, n, heads, d).permute(0, 2, 1, 3);

            var h = Norm(x, "layernorm_before");
            var q = Heads(Linear(h, "attention.attention.query"));
            var k = Heads(Linear(h, "attention.attention.key"));
            var v = Heads(Linear(h, "attention.attention.value"));
            var weights = (q.matmul(k.transpose(-1, -2)) / Math.Sqrt(d)).softmax(-1);
            var attended = weights.matmul(v).permute(0, 2, 1, 3).reshape(b, n, e);
            x = x + Linear(attended, "attention.output.dense");
            h = nn.functional.gelu(Linear(Norm(x, "layernorm_after"), "intermediate.dense"));
            x = x + Linear(h, "output.dense");
        }
        if (!config.UseMeanPooling)
        {
            x = nn.functional.layer_norm(x, [e], sd["layernorm.weight"], sd["layernorm.bias"], config.LayerNormEps);
        }
        return x.MoveToOuterDisposeScope();
    }
}
