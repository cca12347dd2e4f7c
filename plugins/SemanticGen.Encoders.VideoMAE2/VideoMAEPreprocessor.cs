using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// VideoMAE's input pipeline (transformers <c>image_processing_videomae.py</c>, defaults of the published
/// <c>preprocessor_config.json</c>): resize the shortest edge to <c>image_size</c> (bilinear, the long edge
/// ⌊size·long/short⌋), centre-crop <c>image_size</c>² (top/left offsets floored like the reference's
/// <c>center_crop</c>), /255, ImageNet mean/std, laid out (B, T, C, H, W).
/// Resizing is bilinear with antialiasing on float pixels rounded back to 0…255 (the reference resizes uint8 images
/// with PIL, so resized pixels can differ from it by one grey level); frames already at the size are not resampled.
/// </summary>
public sealed class VideoMAEPreprocessor(VideoMAEConfig config, Device device, ScalarType dtype)
{
    /// <summary>ImageNet mean and std (IMAGENET_DEFAULT_MEAN/STD), as in the VideoMAE checkpoints' processor configs.</summary>
    public static readonly double[] Mean = [0.485, 0.456, 0.406];
    public static readonly double[] Std = [0.229, 0.224, 0.225];

    /// <summary>Frames (B, T, H, W, 3) uint8 → normalised pixels (B, T, 3, S, S) on the encoder's device and dtype.</summary>
    /// <exception cref="ArgumentException">Wrong rank, channel count or dtype, or T not a multiple of the tubelet.</exception>
    public PreprocessedVideo Preprocess(VideoFrames frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var video = frames.Frames;
        if (video.dim() != 5 || video.shape[4] != 3 || video.dtype != ScalarType.Byte)
        {
            throw new ArgumentException(
                $"VideoMAE expects uint8 frames (B, T, H, W, 3); found {video.dtype} [{string.Join(", ", video.shape)}].", nameof(frames));
        }
        long batch = video.shape[0], time = video.shape[1], height = video.shape[2], width = video.shape[3];
        if (time == 0 || time % config.TubeletSize != 0)
        {
            throw new ArgumentException(
                $"VideoMAE takes frames in tubelets of {config.TubeletSize}: expected T a positive multiple of {config.TubeletSize}, found T = {time}.",
                nameof(frames));
        }
        var size = config.ImageSize;
        var (resizedHeight, resizedWidth) = ShortestEdgeSize(height, width, size);

        using var scope = NewDisposeScope();
        using var maxLevel = 255.0.ToScalar();
        using var minLevel = 0.0.ToScalar();
        var x = video.to(device).permute(0, 1, 4, 2, 3).reshape(batch * time, 3, height, width).to(ScalarType.Float32); // (BT, 3, H, W)
        if (resizedHeight != height || resizedWidth != width)
        {
            x = nn.functional.interpolate(x, [resizedHeight, resizedWidth], mode: InterpolationMode.Bilinear,
                align_corners: false, antialias: true);                                      // (BT, 3, H', W')
            x = x.round().clamp(minLevel, maxLevel);                                          // back on the uint8 grid
        }
        long top = (resizedHeight - size) / 2, left = (resizedWidth - size) / 2;
        x = x.narrow(2, top, size).narrow(3, left, size);                                     // (BT, 3, S, S)
        var mean = tensor(Mean, dtype: ScalarType.Float32, device: x.device).view(1, 3, 1, 1).mul(maxLevel); // (1, 3, 1, 1) in levels
        var std = tensor(Std, dtype: ScalarType.Float32, device: x.device).view(1, 3, 1, 1).mul(maxLevel);   // (1, 3, 1, 1)
        x = x.sub(mean).div(std);                                                           // (BT, 3, S, S) = (x/255 − mean)/std
        x = x.reshape(batch, time, 3, size, size).to(dtype);                                  // (B, T, 3, S, S)
        var grid = new SemanticGrid((int)(time / config.TubeletSize), size / config.PatchSize, size / config.PatchSize);
        return new PreprocessedVideo(x.MoveToOuterDisposeScope(), grid, frames.Fps);
    }

    /// <summary>The reference's shortest-edge rule: short side → <paramref name="size"/>, long side ⌊size·long/short⌋.</summary>
    public static (long Height, long Width) ShortestEdgeSize(long height, long width, int size)
    {
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentException($"frames must have a positive size; found {height}×{width}.");
        }
        var scaledLong = (long)(size * (double)Math.Max(height, width) / Math.Min(height, width));
        return height <= width ? (size, scaledLong) : (scaledLong, size);
    }
}
