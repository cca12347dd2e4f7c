using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Qwen2.5-VL's video preprocessing, after transformers <c>Qwen2VLVideoProcessor._preprocess</c>
/// (models/qwen2_vl/video_processing_qwen2_vl.py) and <c>smart_resize</c> (image_processing_qwen2_vl.py):
/// resize to multiples of 28, rescale and CLIP-normalise (fused, as HF does), and flatten patches in merge-block order
/// to (B, gt·gh·gw, C·2·14·14).
/// </summary>
public sealed class Qwen25VLPreprocessor(Qwen25VLVisionConfig config, Qwen25VLEncoderOptions options)
{
    // OPENAI_CLIP_MEAN / OPENAI_CLIP_STD (transformers image_utils.py).
    private static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    private static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>
    /// uint8 frames (B, T, H, W, 3) → float32 patches (B, N, 1176) on <paramref name="device"/> and the patch grid.
    /// T must be a multiple of the temporal patch (2): the contract (<see cref="ISemanticEncoder.Preprocess"/>) wants
    /// an error rather than HF's silent repetition of the last frame.
    /// </summary>
    public PreprocessedVideo Preprocess(VideoFrames frames, Device device)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var video = frames.Frames;
        if (video.dim() != 5 || video.shape[4] != config.InChannels || video.dtype != ScalarType.Byte)
        {
            throw new ArgumentException(
                $"frames: expected uint8 (B, T, H, W, {config.InChannels}), found {video.dtype} ({string.Join(", ", video.shape)}).", nameof(frames));
        }
        var (batch, time, height, width) = (video.shape[0], video.shape[1], (int)video.shape[2], (int)video.shape[3]);
        var tp = config.TemporalPatchSize;
        if (time == 0 || time % tp != 0)
        {
            throw new ArgumentException($"frames: expected T a positive multiple of {tp}, found T = {time}.", nameof(frames));
        }
        var (resizedH, resizedW) = SmartResize(height, width, config.SizeMultiple, options.MinPixels, options.MaxPixels);
        var (p, m, c) = (config.PatchSize, config.SpatialMergeSize, config.InChannels);
        var (gt, gh, gw) = ((int)(time / tp), resizedH / p, resizedW / p);

        using var scope = NewDisposeScope();
        using var pixelMax = 255.ToScalar();
        using var zero = 0.ToScalar();
        var x = video.to(device).permute(0, 1, 4, 2, 3).to_type(ScalarType.Float32);          // (B, T, C, H, W)
        if (resizedH != height || resizedW != width)
        {
            x = Resize(x.reshape(batch * time, c, height, width), resizedH, resizedW, zero, pixelMax)
                .view(batch, time, c, resizedH, resizedW);                                    // (B, T, C, H', W')
        }
        // HF fuses rescale into normalise: (x − 255·mean) / (255·std).
        var mean = tensor(Mean, device: device).mul(pixelMax).view(1, 1, c, 1, 1);            // (1, 1, C, 1, 1)
        var std = tensor(Std, device: device).mul(pixelMax).view(1, 1, c, 1, 1);              // (1, 1, C, 1, 1)
        var normed = x.sub(mean).div(std);                                                   // (B, T, C, H', W')
        var patches = normed
            .view(batch, gt, tp, c, gh / m, m, p, gw / m, m, p)                               // (B, gt, 2, C, gh/2, 2, 14, gw/2, 2, 14)
            .permute(0, 1, 4, 7, 5, 8, 3, 2, 6, 9)                                            // (B, gt, gh/2, gw/2, 2, 2, C, 2, 14, 14)
            .reshape(batch, (long)gt * gh * gw, config.PatchVectorSize);                      // (B, N, 1176)
        return new PreprocessedVideo(patches.MoveToOuterDisposeScope(), new SemanticGrid(gt, gh, gw), frames.Fps);
    }

    /// <summary>
    /// HF <c>smart_resize</c>: round each side to the nearest multiple of <paramref name="factor"/> (Python's round,
    /// half to even), then, if the area leaves [min, max], scale both sides by one factor (floor when shrinking, ceil
    /// when growing) keeping the aspect ratio. Never below one factor per side.
    /// </summary>
    public static (int Height, int Width) SmartResize(int height, int width, int factor, int minPixels, int maxPixels)
    {
        if (height < 1 || width < 1)
        {
            throw new ArgumentException($"frame size {height}×{width} must be positive.");
        }
        if ((double)Math.Max(height, width) / Math.Min(height, width) > 200)
        {
            throw new ArgumentException($"frame size {height}×{width}: aspect ratio must be at most 200.");
        }
        var h = Math.Max(factor, (int)Math.Round((double)height / factor, MidpointRounding.ToEven) * factor);
        var w = Math.Max(factor, (int)Math.Round((double)width / factor, MidpointRounding.ToEven) * factor);
        if ((long)h * w > maxPixels)
        {
            var beta = Math.Sqrt((double)height * width / maxPixels);
            h = Math.Max(factor, (int)Math.Floor(height / beta / factor) * factor);
            w = Math.Max(factor, (int)Math.Floor(width / beta / factor) * factor);
        }
        else if ((long)h * w < minPixels)
        {
            var beta = Math.Sqrt((double)minPixels / ((double)height * width));
            h = (int)Math.Ceiling(height * beta / factor) * factor;
            w = (int)Math.Ceiling(width * beta / factor) * factor;
        }
        return (h, w);
    }

    // torchvision's resize of uint8 video (BICUBIC, antialias) yields rounded, clamped uint8 values; do the same
    // in float so that normalisation sees what HF's would.
    private static Tensor Resize(Tensor x, int height, int width, Scalar zero, Scalar max) =>
        nn.functional.interpolate(x, [height, width], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true)
            .round().clamp(zero, max);                                                        // (BT, C, H', W')
}
