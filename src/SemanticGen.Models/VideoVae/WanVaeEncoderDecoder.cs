// WanEncoder3d, WanUpBlock and WanDecoder3d of diffusers autoencoder_kl_wan.py (Wan2.1 layout: is_residual = false).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>Video (B, 3, F, H, W) → 2·z_dim channels at (1 + (F − 1)/4, H/8, W/8) for the Wan2.1 sizes.</summary>
internal sealed class WanEncoder3d : WanCachedModule
{
    private readonly WanCausalConv3d conv_in;
    private readonly ModuleList<WanCachedModule> down_blocks;
    private readonly WanMidBlock mid_block;
    private readonly WanRmsNorm norm_out;
    private readonly WanCausalConv3d conv_out;

    public WanEncoder3d(WanVaeConfig config, Device? device) : base(nameof(WanEncoder3d))
    {
        long[] dims = [config.BaseDim, .. config.DimMult.Select(m => (long)config.BaseDim * m)];
        conv_in = new WanCausalConv3d(config.InChannels, dims[0], 3, device);
        down_blocks = new ModuleList<WanCachedModule>();
        var scale = 1.0;
        for (var i = 0; i < config.DimMult.Count; i++)
        {
            var inDim = dims[i];
            for (var r = 0; r < config.NumResBlocks; r++)
            {
                down_blocks.Add(new WanResidualBlock(inDim, dims[i + 1], device));
                if (config.AttnScales.Contains(scale))
                {
                    down_blocks.Add(new WanAttentionBlock(dims[i + 1], device));
                }
                inDim = dims[i + 1];
            }
            if (i != config.DimMult.Count - 1)
            {
                var mode = config.TemperalDownsample[i] ? WanResampleMode.Downsample3d : WanResampleMode.Downsample2d;
                down_blocks.Add(new WanResample(dims[i + 1], mode, device));
                scale /= 2;
            }
        }
        mid_block = new WanMidBlock(dims[^1], device);
        norm_out = new WanRmsNorm(dims[^1], images: false, device);
        conv_out = new WanCausalConv3d(dims[^1], config.ZDim * 2, 3, device);
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.Forward(x, cache);                                            // (B, d0, T, H, W)
        foreach (var block in down_blocks)
        {
            h = block.Forward(h, cache);                                              // (B, d_i, T_i, H_i, W_i)
        }
        h = mid_block.Forward(h, cache);                                              // (B, d, t, h, w)
        h = nn.functional.silu(norm_out.forward(h));                                  // (B, d, t, h, w)
        return conv_out.Forward(h, cache).MoveToOuterDisposeScope();                  // (B, 2z, t, h, w)
    }
}

/// <summary>WanUpBlock: num_res_blocks + 1 residual blocks, then an optional 2× upsampler (to half the width).</summary>
internal sealed class WanUpBlock : WanCachedModule
{
    private readonly ModuleList<WanResidualBlock> resnets;
    private readonly ModuleList<WanResample>? upsamplers;

    public WanUpBlock(long inDim, long outDim, int numResBlocks, WanResampleMode? upsampleMode, Device? device) : base(nameof(WanUpBlock))
    {
        resnets = new ModuleList<WanResidualBlock>();
        for (var r = 0; r <= numResBlocks; r++)
        {
            resnets.Add(new WanResidualBlock(r == 0 ? inDim : outDim, outDim, device));
        }
        upsamplers = upsampleMode is { } mode ? new ModuleList<WanResample>(new WanResample(outDim, mode, device)) : null;
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var resnet in resnets)
        {
            h = resnet.Forward(h, cache);                                             // (B, O, T, H, W)
        }
        if (upsamplers is not null)
        {
            h = upsamplers[0].Forward(h, cache);                                      // (B, O/2, T', 2H, 2W)
        }
        return h.MoveToOuterDisposeScope();
    }
}

/// <summary>Latents (B, z_dim, T, h, w) → video (B, 3, 1 + 4(T − 1), 8h, 8w) for the Wan2.1 sizes (not clamped).</summary>
internal sealed class WanDecoder3d : WanCachedModule
{
    private readonly WanCausalConv3d conv_in;
    private readonly WanMidBlock mid_block;
    private readonly ModuleList<WanUpBlock> up_blocks;
    private readonly WanRmsNorm norm_out;
    private readonly WanCausalConv3d conv_out;

    public WanDecoder3d(WanVaeConfig config, Device? device) : base(nameof(WanDecoder3d))
    {
        var mult = config.DimMult;
        long[] dims = [config.BaseDim * mult[^1], .. mult.Reverse().Select(m => (long)config.BaseDim * m)];
        var temporalUpsample = config.TemperalDownsample.Reverse().ToArray();
        conv_in = new WanCausalConv3d(config.ZDim, dims[0], 3, device);
        mid_block = new WanMidBlock(dims[0], device);
        up_blocks = new ModuleList<WanUpBlock>();
        for (var i = 0; i < mult.Count; i++)
        {
            // Every upsampler halves the width, so later blocks start from half of the previous stage's width.
            var inDim = i > 0 ? dims[i] / 2 : dims[i];
            WanResampleMode? mode = i == mult.Count - 1 ? null
                : temporalUpsample[i] ? WanResampleMode.Upsample3d : WanResampleMode.Upsample2d;
            up_blocks.Add(new WanUpBlock(inDim, dims[i + 1], config.NumResBlocks, mode, device));
        }
        norm_out = new WanRmsNorm(dims[^1], images: false, device);
        conv_out = new WanCausalConv3d(dims[^1], config.OutChannels, 3, device);
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.Forward(x, cache);                                            // (B, d, t, h, w)
        h = mid_block.Forward(h, cache);                                              // (B, d, t, h, w)
        foreach (var block in up_blocks)
        {
            h = block.Forward(h, cache);                                              // (B, d_i, T_i, H_i, W_i)
        }
        h = nn.functional.silu(norm_out.forward(h));                                  // (B, d0, T, H, W)
        return conv_out.Forward(h, cache).MoveToOuterDisposeScope();                  // (B, 3, T, H, W)
    }
}
