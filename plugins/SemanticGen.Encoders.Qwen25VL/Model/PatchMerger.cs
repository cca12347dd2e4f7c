using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// <c>Qwen2_5_VLPatchMerger</c>: RMSNorm, then the 2×2 merge block's 4 consecutive tokens concatenated
/// (4·D) → Linear → exact GELU → Linear(out). Keys <c>merger.ln_q.weight</c>, <c>merger.mlp.{0,2}.*</c>.
/// </summary>
internal sealed class PatchMerger : nn.Module<Tensor, Tensor>
{
    // Field names = checkpoint keys; mlp's children are "0", "1" (GELU, no weights), "2".
    private readonly RmsNorm ln_q;
    private readonly Sequential mlp;
    private readonly int _mergedWidth;

    public PatchMerger(Qwen25VLVisionConfig config, Device? device = null) : base(nameof(PatchMerger))
    {
        _mergedWidth = config.HiddenSize * config.MergeUnit;
        ln_q = new RmsNorm(config.HiddenSize, config.NormEps, device);
        mlp = nn.Sequential(
            nn.Linear(_mergedWidth, _mergedWidth, hasBias: true, device: device),
            nn.GELU(),
            nn.Linear(_mergedWidth, config.OutHiddenSize, hasBias: true, device: device));
        RegisterComponents();
    }

    /// <param name="x">(B, N, D), every 4 consecutive tokens one merge block.</param>
    /// <returns>(B, N/4, out)</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var grouped = ln_q.forward(x).reshape(x.shape[0], -1, _mergedWidth);   // (B, N/4, 4D)
        return mlp.forward(grouped).MoveToOuterDisposeScope();                 // (B, N/4, out)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ln_q.Dispose();
            mlp.Dispose();
        }
        base.Dispose(disposing);
    }
}
