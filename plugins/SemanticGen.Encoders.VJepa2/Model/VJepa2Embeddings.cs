using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// Tubelet embedding: Conv3d(C→E, kernel = stride = (tubelet, patch, patch), with bias) on (B, C, T, H, W)
/// (transformers <c>modeling_vjepa2.py</c>, <c>VJEPA2PatchEmbeddings3D</c>). No learned position embedding: V-JEPA 2
/// encodes position with RoPE only.
/// </summary>
internal sealed class VJepa2PatchEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d proj;

    public VJepa2PatchEmbeddings(VJepa2Config config, Device? device = null) : base(nameof(VJepa2PatchEmbeddings))
    {
        var kernel = ((long)config.TubeletSize, (long)config.PatchSize, (long)config.PatchSize);
        proj = nn.Conv3d(config.InChannels, config.HiddenSize, kernel, stride: kernel, bias: true, device: device);
        RegisterComponents();
    }

    /// <param name="video">(B, C, T, H, W)</param>
    /// <returns>(B, E, T', H', W')</returns>
    public override Tensor forward(Tensor video) => proj.forward(video);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            proj.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Holds <c>patch_embeddings</c> so that names match <c>encoder.embeddings.patch_embeddings.proj.*</c>.</summary>
internal sealed class VJepa2Embeddings : nn.Module<Tensor, Tensor>
{
    private readonly VJepa2PatchEmbeddings patch_embeddings;

    public VJepa2Embeddings(VJepa2Config config, Device? device = null) : base(nameof(VJepa2Embeddings))
    {
        patch_embeddings = new VJepa2PatchEmbeddings(config, device);
        RegisterComponents();
    }

    /// <param name="video">(B, C, T, H, W)</param>
    /// <returns>(B, E, T', H', W')</returns>
    public override Tensor forward(Tensor video) => patch_embeddings.forward(video);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            patch_embeddings.Dispose();
        base.Dispose(disposing);
    }
}
