namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Qwen2.5-VL-specific preprocessing choices (the plugin-independent part is <c>SemanticEncoderSettings</c>).
/// Frames are resized with Hugging Face's <c>smart_resize</c> rule: each side to the nearest multiple of 28, then
/// scaled (aspect kept) into [<see cref="MinPixels"/>, <see cref="MaxPixels"/>].
/// </summary>
public sealed record Qwen25VLEncoderOptions
{
    /// <summary>
    /// Lower bound on H·W after resizing. Default 56·56, the HF image processor's (the video processor's 128·28·28
    /// would upscale SemanticGen's small 1.6 fps frames, e.g. 112×112, by 2.8×).
    /// </summary>
    public int MinPixels { get; init; } = 56 * 56;

    /// <summary>Upper bound on H·W after resizing. Default 28·28·768, the HF video processor's.</summary>
    public int MaxPixels { get; init; } = 28 * 28 * 768;

    /// <summary>The rate frames should be sampled at (SemanticGen samples semantic frames at 1.6 fps).</summary>
    public double PreferredFps { get; init; } = 1.6;
}
