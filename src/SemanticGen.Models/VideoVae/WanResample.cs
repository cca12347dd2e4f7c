// WanResample of diffusers autoencoder_kl_wan.py: 2× spatial down/upsampling per frame, plus (the "3d" modes) a
// causal time convolution that halves or doubles the frame count, with the reference's first-chunk rules.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

internal enum WanResampleMode
{
    Downsample2d,
    Downsample3d,
    Upsample2d,
    Upsample3d,
}

/// <summary>
/// Downsampling: zero-pad right/bottom by 1, 3×3 conv stride 2; "3d" then halves time with a 3×1×1 stride-2 conv
/// whose first frame passes through (F → 1 + (F − 1)/2). Upsampling: nearest 2× ("nearest-exact" equals nearest at
/// scale 2), 3×3 conv to dim/2; "3d" first doubles time with a causal 3×1×1 conv to 2·dim channels read as two
/// interleaved frames, again passing the first frame through (F → 1 + 2(F − 1)).
/// </summary>
internal sealed class WanResample : WanCachedModule
{
    private readonly WanResampleMode _mode;
    private readonly Sequential resample;
    private readonly WanCausalConv3d? time_conv;

    public WanResample(long dim, WanResampleMode mode, Device? device) : base(nameof(WanResample))
    {
        _mode = mode;
        var isUpsample = mode is WanResampleMode.Upsample2d or WanResampleMode.Upsample3d;
        resample = isUpsample
            ? nn.Sequential(("0", nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)), ("1", nn.Conv2d(dim, dim / 2, 3, padding: 1, device: device)))
            : nn.Sequential(("0", nn.ZeroPad2d((0, 1, 0, 1))), ("1", nn.Conv2d(dim, dim, 3, stride: 2, device: device)));
        time_conv = mode switch
        {
            WanResampleMode.Upsample3d => new WanCausalConv3d(dim, dim * 2, (3, 1, 1), (1, 1, 1), (1, 0, 0), device),
            WanResampleMode.Downsample3d => new WanCausalConv3d(dim, dim, (3, 1, 1), (2, 1, 1), (0, 0, 0), device),
            _ => null,
        };
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = NewDisposeScope();
        if (_mode == WanResampleMode.Upsample3d)
        {
            x = cache is null ? DoubleTimeWhole(x) : DoubleTimeCached(x, cache);       // (B, C, T', H, W)
        }
        var (b, c, t) = (x.shape[0], x.shape[1], x.shape[2]);
        var frames = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, x.shape[3], x.shape[4]); // (B·T', C, H, W)
        var resampled = resample.forward(frames);                                        // (B·T', C', H', W')
        var y = resampled.view(b, t, resampled.shape[1], resampled.shape[2], resampled.shape[3])
            .permute(0, 2, 1, 3, 4);                                                     // (B, C', T', H', W')
        if (_mode == WanResampleMode.Downsample3d)
        {
            y = cache is null ? HalveTimeWhole(y) : HalveTimeCached(y, cache);          // (B, C', T'', H', W')
        }
        return y.MoveToOuterDisposeScope();
    }

    // Whole video: frame 0 passes; the rest go through the causal time conv (zero history: the reference's 'Rep').
    private Tensor DoubleTimeWhole(Tensor x)
    {
        if (x.shape[2] == 1)
        {
            return x;
        }
        var rest = time_conv!.Convolve(x.narrow(2, 1, x.shape[2] - 1), null);            // (B, 2C, T − 1, H, W)
        return cat([x.narrow(2, 0, 1), Interleave(rest)], 2);                             // (B, C, 1 + 2(T − 1), H, W)
    }

    // Chunked (reference): the first chunk only marks the slot 'Rep' and passes through; the next one convolves
    // with zero history and caches [0, x] when it has a single frame; later ones use the cached frames.
    private Tensor DoubleTimeCached(Tensor x, FeatureCache cache)
    {
        var slot = cache.NextSlot();
        var previous = cache.Get(slot);
        var rep = cache.IsRep(slot);
        if (previous is null && !rep)
        {
            cache.MarkRep(slot);
            return x;
        }
        var keep = x.narrow(2, Math.Max(0, x.shape[2] - FeatureCache.CacheT), Math.Min(FeatureCache.CacheT, x.shape[2])).clone();
        if (keep.shape[2] < FeatureCache.CacheT)
        {
            var before = rep ? zeros_like(keep) : previous!.narrow(2, previous.shape[2] - 1, 1);
            keep = cat([before, keep], 2);
        }
        var doubled = time_conv!.Convolve(x, rep ? null : previous);                      // (B, 2C, T, H, W)
        cache.Set(slot, keep);
        return Interleave(doubled);                                                       // (B, C, 2T, H, W)
    }

    // (B, 2C, T, H, W) → (B, C, 2T, H, W): channel halves are the even and odd output frames.
    private static Tensor Interleave(Tensor x)
    {
        var (b, c2, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        return x.reshape(b, 2, c2 / 2, t, h, w).permute(0, 2, 3, 1, 4, 5).reshape(b, c2 / 2, t * 2, h, w);
    }

    // Whole video: frame 0 passes, then stride-2 windows [0,1,2], [2,3,4], … (what the chunks compute together).
    private Tensor HalveTimeWhole(Tensor x)
    {
        var first = x.narrow(2, 0, 1);                                                    // (B, C, 1, H, W)
        return x.shape[2] < 3 ? first : cat([first, time_conv!.Convolve(x, null)], 2);    // (B, C, 1 + (T − 1)/2, H, W)
    }

    // Chunked (reference): the first chunk is cached and passes through; later chunks prepend the cached last frame.
    private Tensor HalveTimeCached(Tensor x, FeatureCache cache)
    {
        var slot = cache.NextSlot();
        var previous = cache.Get(slot);
        if (previous is null)
        {
            cache.Set(slot, x.clone());
            return x;
        }
        var keep = x.narrow(2, x.shape[2] - 1, 1).clone();
        var halved = time_conv!.Convolve(cat([previous.narrow(2, previous.shape[2] - 1, 1), x], 2), null);
        cache.Set(slot, keep);
        return halved;
    }
}
