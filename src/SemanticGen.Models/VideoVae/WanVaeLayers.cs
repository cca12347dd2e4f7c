// Building blocks of the Wan2.1 video VAE, after diffusers src/diffusers/models/autoencoders/autoencoder_kl_wan.py
// (WanCausalConv3d, WanRMS_norm, WanResidualBlock, WanAttentionBlock). Field names are the checkpoint keys.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>Scalars shared by the VAE's hot paths; static so they are never finalized during a native call.</summary>
internal static class WanVaeScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar MinusOne = (-1.0).ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar LogVarMin = (-30.0).ToScalar();
    public static readonly Scalar LogVarMax = 20.0.ToScalar();
}

/// <summary>A VAE layer that takes part in chunked (cached) evaluation; <c>cache</c> null = one pass over all frames.</summary>
internal abstract class WanCachedModule(string name) : nn.Module(name)
{
    public abstract Tensor Forward(Tensor x, FeatureCache? cache);
}

/// <summary>
/// Conv3d that is causal in time: 2·pad_t zero frames in front, none behind (spatial padding symmetric). With a
/// cache, the previous chunk's last frames replace as many of the front zeros, so chunked and whole-video
/// evaluation agree. Owns <c>weight</c>/<c>bias</c> directly so its keys are those of diffusers' nn.Conv3d subclass.
/// </summary>
internal sealed class WanCausalConv3d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _timePad;
    private readonly long[] _stride;
    private readonly long[] _spatialPadding;

    public WanCausalConv3d(long inChannels, long outChannels, (long T, long H, long W) kernel, (long T, long H, long W) stride,
        (long T, long H, long W) padding, Device? device) : base(nameof(WanCausalConv3d))
    {
        weight = new Parameter(empty([outChannels, inChannels, kernel.T, kernel.H, kernel.W], device: device));
        bias = new Parameter(empty([outChannels], device: device));
        _timePad = 2 * padding.T;
        _stride = [stride.T, stride.H, stride.W];
        _spatialPadding = [0, padding.H, padding.W];
        RegisterComponents();
    }

    /// <summary>A cube kernel k with padding k/2 and stride 1 (the residual blocks' and heads' 3×3×3, or 1×1×1).</summary>
    public WanCausalConv3d(long inChannels, long outChannels, long kernel, Device? device)
        : this(inChannels, outChannels, (kernel, kernel, kernel), (1, 1, 1), (kernel / 2, kernel / 2, kernel / 2), device)
    {
    }

    /// <summary>Whole-sequence causal convolution (no cache).</summary>
    public override Tensor forward(Tensor x) => Convolve(x, null);

    /// <summary>Convolution with <paramref name="previous"/> frames (B, C, ≤2, H, W) standing in for the front padding.</summary>
    public Tensor Convolve(Tensor x, Tensor? previous)
    {
        using var scope = NewDisposeScope();
        var frontPad = _timePad;
        if (previous is not null && _timePad > 0)
        {
            x = cat([previous.to(x.device), x], 2);                                    // (B, C, t + T, H, W)
            frontPad -= previous.shape[2];
        }
        if (frontPad > 0)
        {
            x = nn.functional.pad(x, [0, 0, 0, 0, frontPad, 0]);                         // (B, C, 2p + T, H, W)
        }
        return nn.functional.conv3d(x, weight, bias, _stride, _spatialPadding).MoveToOuterDisposeScope();
    }

    /// <summary>The reference's cached step: convolve with the slot's frames, then store this input's last frames.</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        if (cache is null)
        {
            return Convolve(x, null);
        }
        var slot = cache.NextSlot();
        var previous = cache.Get(slot);
        using var scope = NewDisposeScope();
        var keep = FeatureCache.LastFrames(x, previous);
        var y = Convolve(x, previous).MoveToOuterDisposeScope();
        cache.Set(slot, keep);
        return y;
    }
}

/// <summary>
/// WanRMS_norm: L2-normalise over channels (dim 1), times √C and a learned gain. <c>images</c> = 4-D input
/// (gain (C, 1, 1)), else 5-D (gain (C, 1, 1, 1)). Half-precision inputs are normalised in float32 as the reference does.
/// </summary>
internal sealed class WanRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;
    private readonly Scalar _scale;

    public WanRmsNorm(long dim, bool images, Device? device) : base(nameof(WanRmsNorm))
    {
        gamma = new Parameter(images ? ones([dim, 1, 1], device: device) : ones([dim, 1, 1, 1], device: device));
        _scale = Math.Sqrt(dim).ToScalar();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var lowPrecision = x.dtype is ScalarType.Float16 or ScalarType.BFloat16;
        var normalized = nn.functional.normalize(lowPrecision ? x.to(ScalarType.Float32) : x, p: 2, dim: 1, eps: 1e-12).to(x.dtype);
        return normalized.mul(_scale).mul(gamma).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _scale.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>WanResidualBlock: RMS → SiLU → causal conv, twice, plus a 1×1×1 shortcut when the width changes.</summary>
internal sealed class WanResidualBlock : WanCachedModule
{
    private readonly WanRmsNorm norm1;
    private readonly WanCausalConv3d conv1;
    private readonly WanRmsNorm norm2;
    private readonly WanCausalConv3d conv2;
    private readonly WanCausalConv3d? conv_shortcut;

    public WanResidualBlock(long inDim, long outDim, Device? device) : base(nameof(WanResidualBlock))
    {
        norm1 = new WanRmsNorm(inDim, images: false, device);
        conv1 = new WanCausalConv3d(inDim, outDim, 3, device);
        norm2 = new WanRmsNorm(outDim, images: false, device);
        conv2 = new WanCausalConv3d(outDim, outDim, 3, device);
        conv_shortcut = inDim != outDim ? new WanCausalConv3d(inDim, outDim, 1, device) : null;
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var shortcut = conv_shortcut?.forward(x) ?? x;                               // (B, O, T, H, W)
        var h = nn.functional.silu(norm1.forward(x));                                // (B, I, T, H, W)
        h = conv1.Forward(h, cache);                                                 // (B, O, T, H, W)
        h = nn.functional.silu(norm2.forward(h));                                    // dropout 0: identity
        h = conv2.Forward(h, cache);                                                 // (B, O, T, H, W)
        return h.add(shortcut, WanVaeScalars.One).MoveToOuterDisposeScope();
    }
}

/// <summary>WanAttentionBlock: single-head self-attention over the H·W positions of each frame separately.</summary>
internal sealed class WanAttentionBlock : WanCachedModule
{
    private readonly WanRmsNorm norm;
    private readonly Conv2d to_qkv;
    private readonly Conv2d proj;

    public WanAttentionBlock(long dim, Device? device) : base(nameof(WanAttentionBlock))
    {
        norm = new WanRmsNorm(dim, images: true, device);
        to_qkv = nn.Conv2d(dim, dim * 3, 1, device: device);
        proj = nn.Conv2d(dim, dim, 1, device: device);
        RegisterComponents();
    }

    /// <summary>Frames are independent here, so the cache is not needed.</summary>
    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var (b, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        var frames = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w);              // (B·T, C, H, W)
        var qkv = to_qkv.forward(norm.forward(frames));                               // (B·T, 3C, H, W)
        qkv = qkv.reshape(b * t, 1, c * 3, h * w).permute(0, 1, 3, 2).contiguous();  // (B·T, 1, HW, 3C)
        var qkvParts = qkv.chunk(3, -1);                                              // 3 × (B·T, 1, HW, C)
        var attended = nn.functional.scaled_dot_product_attention(qkvParts[0], qkvParts[1], qkvParts[2]);
        attended = attended.squeeze(1).permute(0, 2, 1).reshape(b * t, c, h, w);     // (B·T, C, H, W)
        var projected = proj.forward(attended);                                       // (B·T, C, H, W)
        var y = projected.view(b, t, c, h, w).permute(0, 2, 1, 3, 4);                 // (B, C, T, H, W)
        return y.add(x, WanVaeScalars.One).MoveToOuterDisposeScope();
    }
}

/// <summary>WanMidBlock: residual → attention → residual (num_layers = 1, as in Wan2.1).</summary>
internal sealed class WanMidBlock : WanCachedModule
{
    private readonly ModuleList<WanAttentionBlock> attentions;
    private readonly ModuleList<WanResidualBlock> resnets;

    public WanMidBlock(long dim, Device? device) : base(nameof(WanMidBlock))
    {
        attentions = new ModuleList<WanAttentionBlock>(new WanAttentionBlock(dim, device));
        resnets = new ModuleList<WanResidualBlock>(new WanResidualBlock(dim, dim, device), new WanResidualBlock(dim, dim, device));
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].Forward(x, cache);                                         // (B, C, T, H, W)
        h = attentions[0].Forward(h, cache);                                          // (B, C, T, H, W)
        return resnets[1].Forward(h, cache).MoveToOuterDisposeScope();                // (B, C, T, H, W)
    }
}
