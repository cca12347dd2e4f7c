using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// RMSNorm as <c>Qwen2RMSNorm</c> (transformers modeling_qwen2_5_vl.py): statistics in float32, the result cast
/// back to the input dtype before the weight multiplies it.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    // Field name = checkpoint key ("…norm1.weight").
    private readonly Parameter weight;
    private readonly Scalar _eps;
    private readonly Scalar _two = 2.ToScalar();
    private readonly Scalar _one = 1.ToScalar();   // explicit alpha: an implicit one can be finalized mid-call (docs/torchsharp-notes.md)

    public RmsNorm(long size, double eps, Device? device = null) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(size, device: device));
        _eps = eps.ToScalar();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to_type(ScalarType.Float32);                              // (…, D)
        var variance = x32.pow(_two).mean([-1], keepdim: true);               // (…, 1)
        var normed = x32.mul(variance.add(_eps, _one).rsqrt()).to_type(x.dtype);   // (…, D)
        return weight.mul(normed).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            _eps.Dispose();
            _two.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
