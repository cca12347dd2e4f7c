using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// Self-attention with 3D RoPE on queries and keys (transformers <c>modeling_vjepa2.py</c>, <c>VJEPA2RopeAttention</c>):
/// separate query/key/value linears (Meta's fused qkv is split by the HF conversion), scale D^−½, output <c>proj</c>.
/// </summary>
internal sealed class VJepa2Attention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly int _heads;
    private readonly int _headDim;
    private readonly VJepa2Rope _rope;

    // Field names are the checkpoint keys: encoder.layer.{i}.attention.{query,key,value,proj}.
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear proj;

    public VJepa2Attention(VJepa2Config config, VJepa2Rope rope, Device? device = null) : base(nameof(VJepa2Attention))
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _rope = rope;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias, device: device);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias, device: device);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias, device: device);
        proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <param name="x">(B, N, E)</param>
    /// <param name="cos">(N, R) from <see cref="VJepa2Rope.Tables"/></param>
    /// <param name="sin">(N, R)</param>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var (batch, tokens) = (x.shape[0], x.shape[1]);
        var q = query.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, D)
        var k = key.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);     // (B, h, N, D)
        var v = value.forward(x).view(batch, tokens, _heads, _headDim).transpose(1, 2);   // (B, h, N, D)
        q = _rope.Apply(q, cos, sin);                                                      // (B, h, N, D)
        k = _rope.Apply(k, cos, sin);                                                      // (B, h, N, D)
        var attended = nn.functional.scaled_dot_product_attention(q, k, v);                // (B, h, N, D), scale D^-1/2
        var merged = attended.transpose(1, 2).reshape(batch, tokens, _heads * _headDim);   // (B, N, E)
        return proj.forward(merged).MoveToOuterDisposeScope();                             // (B, N, E)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            query.Dispose();
            key.Dispose();
            value.Dispose();
            proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
