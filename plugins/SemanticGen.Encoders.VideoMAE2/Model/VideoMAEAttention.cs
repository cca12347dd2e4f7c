using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Multi-head self-attention, keys <c>attention.attention.{query,key,value}</c> (transformers
/// <c>modeling_videomae.py</c> <c>VideoMAESelfAttention</c>). The reference keeps bias-free linears plus
/// <c>q_bias</c>/<c>v_bias</c> and a zero key bias; here each linear has its own bias and checkpoints in the
/// q_bias/v_bias form are mapped on load (<see cref="VideoMAECheckpointMapper"/>), the key bias becoming zero.
/// </summary>
public sealed class VideoMAESelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int _heads;

    public VideoMAESelfAttention(int width, int heads, bool qkvBias, Device? device = null, ScalarType? dtype = null)
        : base(nameof(VideoMAESelfAttention))
    {
        _heads = heads;
        query = nn.Linear(width, width, hasBias: qkvBias, device: device, dtype: dtype);
        key = nn.Linear(width, width, hasBias: qkvBias, device: device, dtype: dtype);
        value = nn.Linear(width, width, hasBias: qkvBias, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], tokens = x.shape[1], width = x.shape[2];
        var q = query.forward(x).view(batch, tokens, _heads, -1).transpose(1, 2);   // (B, H, N, d)
        var k = key.forward(x).view(batch, tokens, _heads, -1).transpose(1, 2);     // (B, H, N, d)
        var v = value.forward(x).view(batch, tokens, _heads, -1).transpose(1, 2);   // (B, H, N, d)
        var o = nn.functional.scaled_dot_product_attention(q, k, v);                // (B, H, N, d), scale d^-1/2
        o = o.transpose(1, 2).reshape(batch, tokens, width);                        // (B, N, E)
        return o.MoveToOuterDisposeScope();
    }
}

/// <summary>One linear named <c>dense</c>: the reference's <c>attention.output</c>, <c>intermediate</c> and <c>output</c> holders.</summary>
public sealed class VideoMAEDense : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public VideoMAEDense(int inputs, int outputs, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAEDense))
    {
        dense = nn.Linear(inputs, outputs, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => dense.forward(x);
}

/// <summary>Self-attention followed by its output projection (<c>VideoMAEAttention</c>: keys <c>attention</c>, <c>output</c>).</summary>
public sealed class VideoMAEAttention : nn.Module<Tensor, Tensor>
{
    private readonly VideoMAESelfAttention attention;
    private readonly VideoMAEDense output;

    public VideoMAEAttention(int width, int heads, bool qkvBias, Device? device = null, ScalarType? dtype = null)
        : base(nameof(VideoMAEAttention))
    {
        attention = new VideoMAESelfAttention(width, heads, qkvBias, device, dtype);
        output = new VideoMAEDense(width, width, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var o = attention.forward(x);   // (B, N, E)
        o = output.forward(o);          // (B, N, E)
        return o.MoveToOuterDisposeScope();
    }
}
