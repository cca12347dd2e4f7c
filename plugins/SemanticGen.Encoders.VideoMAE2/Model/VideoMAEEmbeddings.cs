using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Tubelet patch embedding (transformers <c>modeling_videomae.py</c> <c>VideoMAEPatchEmbeddings</c>):
/// Conv3d(C→E, kernel = stride = (tubelet, p, p), with bias) over (B, C, T, H, W), flattened in raster order (t, h, w).
/// Unlike the reference it accepts any T, H, W that are multiples of the kernel.
/// </summary>
public sealed class VideoMAEPatchEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d projection;

    public VideoMAEPatchEmbeddings(VideoMAEConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(VideoMAEPatchEmbeddings))
    {
        var kernel = ((long)config.TubeletSize, (long)config.PatchSize, (long)config.PatchSize);
        projection = nn.Conv3d(config.NumChannels, config.HiddenSize, kernel, stride: kernel, bias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>(B, T, C, H, W) pixels → (B, N, E) patch vectors, N = T/tubelet · H/p · W/p.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels.permute(0, 2, 1, 3, 4);      // (B, C, T, H, W)
        x = projection.forward(x);                  // (B, E, T', H', W')
        x = x.flatten(2).transpose(1, 2);           // (B, N, E)
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Patch embedding plus the fixed sinusoidal table (<c>VideoMAEEmbeddings</c>); the table is not a parameter and is
/// not in checkpoints. With <c>visible</c> indices only those tokens are kept (masked autoencoding).
/// </summary>
public sealed class VideoMAEEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly VideoMAEPatchEmbeddings patch_embeddings;
    private readonly SinusoidTableCache _positions;
    private readonly Scalar _one = 1.0.ToScalar();

    public VideoMAEEmbeddings(VideoMAEConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(VideoMAEEmbeddings))
    {
        patch_embeddings = new VideoMAEPatchEmbeddings(config, device, dtype);
        _positions = new SinusoidTableCache(config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixels) => Forward(pixels, visible: null);

    /// <summary>(B, T, C, H, W) → (B, N, E), or (B, Nv, E) for <paramref name="visible"/> (B, Nv) token indices.</summary>
    public Tensor Forward(Tensor pixels, Tensor? visible)
    {
        using var scope = NewDisposeScope();
        var x = patch_embeddings.forward(pixels);                               // (B, N, E)
        var table = _positions.Get(x.shape[1], x.dtype, x.device);              // (N, E)
        x = x.add(table, _one);                                                 // (B, N, E)
        if (visible is not null)
        {
            var index = visible.unsqueeze(-1).expand(-1, -1, x.shape[2]);       // (B, Nv, E)
            x = x.gather(1, index);                                             // (B, Nv, E)
        }
        return x.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _positions.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
