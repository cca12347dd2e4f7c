using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// <c>Qwen2_5_VisionPatchEmbed</c>: Conv3d(C→D, kernel = stride = (2, 14, 14), no bias) applied to each flattened
/// patch. A convolution whose kernel covers its whole input is a matrix product with the kernel flattened in the
/// same (C, t, ph, pw) order as the patch vector, so the forward is one linear with the conv's weight.
/// </summary>
internal sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    // Field name = checkpoint key ("patch_embed.proj.weight", shape (D, C, 2, 14, 14)).
    private readonly Conv3d proj;
    private readonly long _width;

    public PatchEmbed(Qwen25VLVisionConfig config, Device? device = null) : base(nameof(PatchEmbed))
    {
        _width = config.HiddenSize;
        var kernel = ((long)config.TemporalPatchSize, (long)config.PatchSize, (long)config.PatchSize);
        proj = nn.Conv3d(config.InChannels, config.HiddenSize, kernel, stride: kernel, bias: false, device: device);
        RegisterComponents();
    }

    /// <summary>The device the weights are on.</summary>
    public Device Device => proj.weight!.device;

    /// <param name="pixels">(B, N, C·2·14·14)</param>
    /// <returns>(B, N, D) in the weights' dtype.</returns>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var weight = proj.weight!;
        var flat = weight.view(_width, -1);                                                    // (D, 1176)
        var x = pixels.to(weight.dtype, weight.device);                                        // (B, N, 1176)
        return nn.functional.linear(x, flat).MoveToOuterDisposeScope();                       // (B, N, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
