using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// <c>Qwen2_5_VLVisionBlock</c>: x += attn(norm1(x)); x += mlp(norm2(x)). Whether it attends within windows or
/// within whole temporal slots is the tower's choice (config <c>fullatt_block_indexes</c>).
/// </summary>
internal sealed class VisionBlock : nn.Module
{
    // Field names = checkpoint keys.
    private readonly RmsNorm norm1;
    private readonly RmsNorm norm2;
    private readonly VisionAttention attn;
    private readonly VisionMlp mlp;
    private readonly Scalar _one = 1.ToScalar();

    public VisionBlock(Qwen25VLVisionConfig config, Device? device = null) : base(nameof(VisionBlock))
    {
        norm1 = new RmsNorm(config.HiddenSize, config.NormEps, device);
        norm2 = new RmsNorm(config.HiddenSize, config.NormEps, device);
        attn = new VisionAttention(config.HiddenSize, config.NumHeads, device);
        mlp = new VisionMlp(config.HiddenSize, config.IntermediateSize, device);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, VisionLayout layout, bool fullAttention)
    {
        using var scope = NewDisposeScope();
        var h = x.add(attn.Forward(norm1.forward(x), layout, fullAttention), _one);   // (B, N, D)
        return h.add(mlp.forward(norm2.forward(h)), _one).MoveToOuterDisposeScope(); // (B, N, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm1.Dispose();
            norm2.Dispose();
            attn.Dispose();
            mlp.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
