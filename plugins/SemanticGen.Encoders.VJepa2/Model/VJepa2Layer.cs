using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>The MLP: fc1 → exact GELU → fc2 (transformers <c>modeling_vjepa2.py</c>, <c>VJEPA2MLP</c>).</summary>
internal sealed class VJepa2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public VJepa2Mlp(VJepa2Config config, Device? device = null) : base(nameof(VJepa2Mlp))
    {
        fc1 = nn.Linear(config.HiddenSize, config.MlpHiddenSize, hasBias: true, device: device);
        fc2 = nn.Linear(config.MlpHiddenSize, config.HiddenSize, hasBias: true, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.gelu(fc1.forward(x));        // (B, N, M)
        return fc2.forward(hidden).MoveToOuterDisposeScope();   // (B, N, E)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fc1.Dispose();
            fc2.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A pre-norm block (transformers <c>modeling_vjepa2.py</c>, <c>VJEPA2Layer</c>; drop path is off at inference).</summary>
internal sealed class VJepa2Layer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly VJepa2Attention attention;
    private readonly LayerNorm norm2;
    private readonly VJepa2Mlp mlp;

    public VJepa2Layer(VJepa2Config config, VJepa2Rope rope, Device? device = null) : base(nameof(VJepa2Layer))
    {
        norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        attention = new VJepa2Attention(config, rope, device);
        norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        mlp = new VJepa2Mlp(config, device);
        RegisterComponents();
    }

    /// <param name="x">(B, N, E)</param>
    /// <param name="cos">RoPE table (N, R)</param>
    /// <param name="sin">RoPE table (N, R)</param>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        x = x + attention.forward(norm1.forward(x), cos, sin);   // (B, N, E)
        x = x + mlp.forward(norm2.forward(x));                   // (B, N, E)
        return x.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm1.Dispose();
            attention.Dispose();
            norm2.Dispose();
            mlp.Dispose();
        }
        base.Dispose(disposing);
    }
}
