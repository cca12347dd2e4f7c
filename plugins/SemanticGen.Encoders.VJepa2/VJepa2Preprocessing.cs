using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// How frames become V-JEPA 2 input: shorter side resized to <c>crop·ShortSideScale</c> (bilinear, antialiased,
/// rounded back to 0…255 as torchvision does for uint8 frames), centre crop to crop×crop, /255, ImageNet mean/std,
/// layout (B, T, C, H, W). Hugging Face's <c>VJEPA2VideoProcessor</c> (<c>video_processing_vjepa2.py</c>) resizes the
/// shorter side to <c>int(crop·256/224)</c> before cropping (<see cref="HuggingFaceShortSideScale"/>), the usual
/// evaluation zoom; our default is 1 (keep the whole short side: semantic features should describe the whole frame,
/// and a frame already at crop×crop passes through unresampled, as the recorded fixture inputs).
/// </summary>
public sealed record VJepa2Preprocessing(double ShortSideScale = 1.0)
{
    /// <summary>The reference processor's 256/224.</summary>
    public const double HuggingFaceShortSideScale = 256.0 / 224.0;

    // IMAGENET_DEFAULT_MEAN / _STD (transformers image_utils).
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>The resized (height, width) before cropping: shorter side to int(crop·scale), longer side int(short·long/short).</summary>
    public (int Height, int Width) ResizedSize(int height, int width, int crop)
    {
        var shortSide = (int)(crop * ShortSideScale);
        if (shortSide < crop)
            throw new ArgumentOutOfRangeException(nameof(ShortSideScale), ShortSideScale, "the resized short side must be at least the crop.");
        // torchvision's rule: int(new_short * long / short).
        return height <= width
            ? (shortSide, (int)((long)shortSide * width / height))
            : ((int)((long)shortSide * height / width), shortSide);
    }

    /// <summary>uint8 (B, T, H, W, 3) → float32 (B, T, 3, crop, crop) on <paramref name="device"/>.</summary>
    public Tensor Apply(Tensor frames, int crop, Device device)
    {
        if (frames.dim() != 5 || frames.shape[4] != 3 || frames.dtype != ScalarType.Byte)
            throw new ArgumentException($"frames must be uint8 (B, T, H, W, 3); found {frames.dtype} ({string.Join(", ", frames.shape)}).", nameof(frames));
        var (batch, count, height, width) = (frames.shape[0], frames.shape[1], (int)frames.shape[2], (int)frames.shape[3]);
        if (height == 0 || width == 0)
            throw new ArgumentException("frames have no pixels.", nameof(frames));
        using var scope = NewDisposeScope();
        var (resizedHeight, resizedWidth) = ResizedSize(height, width, crop);
        var images = frames.to(device).reshape(batch * count, height, width, 3).permute(0, 3, 1, 2).to(ScalarType.Float32);  // (BT, 3, H, W)
        if (resizedHeight != height || resizedWidth != width)
        {
            using var zero = 0.ToScalar();
            using var full = 255.ToScalar();
            images = nn.functional.interpolate(images, [resizedHeight, resizedWidth], mode: InterpolationMode.Bilinear,
                align_corners: false, antialias: true).round().clamp(zero, full);                    // (BT, 3, H', W')
        }
        // torchvision center_crop: top = int(round((H' − crop) / 2)), round half to even like Python.
        var top = (int)Math.Round((resizedHeight - crop) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((resizedWidth - crop) / 2.0, MidpointRounding.ToEven);
        var cropped = images.narrow(2, top, crop).narrow(3, left, crop);                                // (BT, 3, crop, crop)
        using var maxValue = 255.0.ToScalar();
        var mean = tensor(Mean, device: device).view(1, 3, 1, 1);                                       // (1, 3, 1, 1)
        var std = tensor(Std, device: device).view(1, 3, 1, 1);                                         // (1, 3, 1, 1)
        var normalised = (cropped.div(maxValue) - mean) / std;                                          // (BT, 3, crop, crop)
        return normalised.reshape(batch, count, 3, crop, crop).contiguous().MoveToOuterDisposeScope();  // (B, T, 3, crop, crop)
    }
}
