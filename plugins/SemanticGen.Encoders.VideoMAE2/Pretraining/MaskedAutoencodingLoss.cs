using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// VideoMAE's reconstruction target and loss as pure functions (transformers <c>modeling_videomae.py</c>
/// <c>VideoMAEForPreTraining.forward</c>): un-normalise the ImageNet-normalised pixels to [0, 1], cut them into tubelet
/// patches whose values are ordered (tubelet, p, p, C), normalise each patch per channel when <c>norm_pix_loss</c>
/// (mean 0, unbiased std 1, +1e-6), keep the masked tokens, and take the mean squared error.
/// </summary>
public static class MaskedAutoencodingLoss
{
    /// <summary>(B, T, C, H, W) normalised pixels → per-token targets (B, N, tubelet·p²·C) in raster order.</summary>
    public static Tensor Patchify(Tensor pixels, VideoMAEConfig config)
    {
        using var scope = NewDisposeScope();
        long b = pixels.shape[0], t = pixels.shape[1], c = pixels.shape[2], h = pixels.shape[3], w = pixels.shape[4];
        long ts = config.TubeletSize, p = config.PatchSize, n = t / ts * (h / p) * (w / p);
        var mean = tensor(VideoMAEPreprocessor.Mean, pixels.dtype, pixels.device).view(1, 1, 3, 1, 1);  // (1, 1, C, 1, 1)
        var std = tensor(VideoMAEPreprocessor.Std, pixels.dtype, pixels.device).view(1, 1, 3, 1, 1);    // (1, 1, C, 1, 1)
        using var one = 1.0.ToScalar();
        var frames = pixels.mul(std).add(mean, one);                                     // (B, T, C, H, W) in [0, 1]
        frames = frames.view(b, t / ts, ts, c, h / p, p, w / p, p)                      // (B, t, ts, C, h, p, w, p)
            .permute(0, 1, 4, 6, 2, 5, 7, 3)                                            // (B, t, h, w, ts, p, p, C)
            .reshape(b, n, ts * p * p, c);                                              // (B, N, ts·p·p, C)
        if (config.NormPixLoss)
        {
            using var epsilon = 1e-6.ToScalar();
            var centred = frames.sub(frames.mean([-2], keepdim: true));                 // (B, N, ts·p·p, C)
            var spread = frames.var(-2, unbiased: true, keepdim: true).sqrt().add(epsilon, one); // (B, N, 1, C)
            frames = centred.div(spread);                                               // (B, N, ts·p·p, C)
        }
        return frames.reshape(b, n, ts * p * p * c).MoveToOuterDisposeScope();         // (B, N, P)
    }

    /// <summary>Targets of the masked tokens only: (B, Nm, P), in the order of <see cref="TubeMask.Masked"/>.</summary>
    public static Tensor Targets(Tensor pixels, VideoMAEConfig config, TubeMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var all = Patchify(pixels, config);                                             // (B, N, P)
        var index = mask.Masked.unsqueeze(-1).expand(-1, -1, all.shape[2]);             // (B, Nm, P)
        return all.gather(1, index).MoveToOuterDisposeScope();                          // (B, Nm, P)
    }

    /// <summary>Mean squared error between predictions and targets (both (B, Nm, P)): a scalar.</summary>
    public static Tensor Compute(Tensor predictions, Tensor targets) => nn.functional.mse_loss(predictions, targets);
}
