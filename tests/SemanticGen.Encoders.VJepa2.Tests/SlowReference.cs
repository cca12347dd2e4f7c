using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>
/// An independent, deliberately plain V-JEPA 2 forward in float64, written from the reference's description
/// (transformers modeling_vjepa2.py): patch embedding as a matrix product over gathered patches (no Conv3d), RoPE as
/// per-token, per-channel loops, attention as explicit softmax(q·kᵀ/√D)·v.
/// </summary>
internal static class SlowReference
{
    /// <summary>
    /// Rotates one head vector of token (frame, row, column): three bands of 2·⌊⌊D/3⌋/2⌋ channels; channel j of a band
    /// pairs with its adjacent partner (j xor 1) but uses frequency index j mod (band/2); the rest is unchanged.
    /// </summary>
    public static void Rotate(ReadOnlySpan<double> x, Span<double> output, int frame, int row, int column)
    {
        var dim = x.Length;
        var band = 2 * (dim / 3 / 2);
        x.CopyTo(output);
        int[] positions = [frame, row, column];
        for (var axis = 0; axis < 3; axis++)
        {
            var start = axis * band;
            for (var j = 0; j < band; j++)
            {
                var half = band / 2;
                var omega = 1.0 / Math.Pow(10000.0, (double)(j % half) / half);
                var angle = positions[axis] * omega;
                var partner = j % 2 == 0 ? -x[start + j + 1] : x[start + j - 1];
                output[start + j] = x[start + j] * Math.Cos(angle) + partner * Math.Sin(angle);
            }
        }
    }

    /// <summary>Rotates every head vector of <paramref name="x"/> (B, h, N, D) for a (T', H', W') raster grid.</summary>
    public static Tensor Rotate(Tensor x, int gridH, int gridW)
    {
        var (batch, heads, tokens, dim) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        var input = x.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var output = new double[input.Length];
        for (var vector = 0; vector < batch * heads * tokens; vector++)
        {
            var token = vector % tokens;
            var (frame, row, column) = (token / (gridH * gridW), token / gridW % gridH, token % gridW);
            Rotate(input.AsSpan(vector * dim, dim), output.AsSpan(vector * dim, dim), frame, row, column);
        }
        return tensor(output, [batch, heads, tokens, dim]);
    }

    /// <summary>last_hidden_state (B, N, E) in float64 from the model's parameters.</summary>
    public static Tensor Forward(VJepa2Model model, Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var config = model.Config;
        var weights = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64));
        var (p, tubelet, e, heads) = (config.PatchSize, config.TubeletSize, config.HiddenSize, config.NumAttentionHeads);
        var (b, t, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3], pixels.shape[4]);
        var (gt, gh, gw) = (t / tubelet, h / p, w / p);

        // Patch vectors in (C, tubelet, p, p) order, the Conv3d weight's order; tokens in raster (t, h, w) order.
        var patches = pixels.to(ScalarType.Float64)
            .reshape(b, gt, tubelet, c, gh, p, gw, p)
            .permute(0, 1, 4, 6, 3, 2, 5, 7)
            .reshape(b, gt * gh * gw, c * tubelet * p * p);
        var kernel = weights["encoder.embeddings.patch_embeddings.proj.weight"].reshape(e, -1);
        var x = patches.matmul(kernel.t()) + weights["encoder.embeddings.patch_embeddings.proj.bias"];

        var dim = e / heads;
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            Tensor W(string name) => weights[$"encoder.layer.{i}.{name}"];
            Tensor Linear(Tensor input, string name) => input.matmul(W(name + ".weight").t()) + W(name + ".bias");
            Tensor Heads(Tensor input) => input.reshape(b, -1, heads, dim).transpose(1, 2);

            var normed = nn.functional.layer_norm(x, [e], W("norm1.weight"), W("norm1.bias"), config.LayerNormEps);
            var q = Rotate(Heads(Linear(normed, "attention.query")), (int)gh, (int)gw);
            var k = Rotate(Heads(Linear(normed, "attention.key")), (int)gh, (int)gw);
            var v = Heads(Linear(normed, "attention.value"));
            var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(dim);
            var attended = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, -1, e);
            x = x + Linear(attended, "attention.proj");

            var normed2 = nn.functional.layer_norm(x, [e], W("norm2.weight"), W("norm2.bias"), config.LayerNormEps);
            x = x + Linear(nn.functional.gelu(Linear(normed2, "mlp.fc1")), "mlp.fc2");
        }
        var result = nn.functional.layer_norm(x, [e], weights["encoder.layernorm.weight"], weights["encoder.layernorm.bias"], config.LayerNormEps);
        return result.MoveToOuterDisposeScope();
    }
}
