using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>Width, depth and MLP size of a stack of VideoMAE blocks (the encoder's, or the pre-training decoder's).</summary>
public sealed record VideoMAEBlockShape(int Width, int Heads, int MlpWidth, bool QkvBias, double LayerNormEps);

/// <summary>
/// A pre-norm ViT block (transformers <c>modeling_videomae.py</c> <c>VideoMAELayer</c>):
/// x += attention(layernorm_before(x)); x += output(gelu(intermediate(layernorm_after(x)))).
/// </summary>
public sealed class VideoMAELayer : nn.Module<Tensor, Tensor>
{
    private readonly VideoMAEAttention attention;
    private readonly VideoMAEDense intermediate;
    private readonly VideoMAEDense output;
    private readonly LayerNorm layernorm_before;
    private readonly LayerNorm layernorm_after;
    private readonly Scalar _one = 1.0.ToScalar();

    public VideoMAELayer(VideoMAEBlockShape shape, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAELayer))
    {
        attention = new VideoMAEAttention(shape.Width, shape.Heads, shape.QkvBias, device, dtype);
        intermediate = new VideoMAEDense(shape.Width, shape.MlpWidth, device, dtype);
        output = new VideoMAEDense(shape.MlpWidth, shape.Width, device, dtype);
        layernorm_before = nn.LayerNorm(shape.Width, shape.LayerNormEps, device: device, dtype: dtype);
        layernorm_after = nn.LayerNorm(shape.Width, shape.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = attention.forward(layernorm_before.forward(x));                 // (B, N, E)
        x = x.add(h, _one);                                                     // (B, N, E)
        h = nn.functional.gelu(intermediate.forward(layernorm_after.forward(x))); // (B, N, M) exact (erf) GELU
        x = x.add(output.forward(h), _one);                                     // (B, N, E)
        return x.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
