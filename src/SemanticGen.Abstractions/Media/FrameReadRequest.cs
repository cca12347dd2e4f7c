namespace SemanticGen.Abstractions.Media;

/// <summary>How frames are fitted to a requested size.</summary>
public enum FrameFit
{
    /// <summary>Scale so the frame covers the target, then cut the centre (no borders).</summary>
    CropCenter,
    /// <summary>Scale so the frame fits inside the target, then pad the borders with black.</summary>
    Pad,
}

/// <summary>
/// What to decode from a video: frames resampled to <paramref name="Fps"/> (null: the source rate), fitted to
/// <paramref name="Width"/>×<paramref name="Height"/> (null: the source size), delivered in chunks of at most
/// <paramref name="ChunkFrames"/> frames so a long video never sits in memory whole.
/// </summary>
/// <param name="Fps">
/// Output rate, or null for every decoded frame. Resampling is "what is on screen at each tick": output frame k is the
/// last source frame whose timestamp is at or before k / Fps, and a video of duration D (frames / source rate) gives
/// ceil(D × Fps) frames. Example: 49 frames at 24 fps (D = 2.042 s) read at 1.6 fps gives 4 frames, source frames
/// 0, 15, 30 and 45; read at 12 fps it gives 25 frames, 0, 2, …, 48.
/// </param>
/// <param name="Width">Output width; give both <paramref name="Width"/> and <paramref name="Height"/> or neither.</param>
/// <param name="Height">Output height; give both or neither.</param>
/// <param name="Fit">How a source of another aspect ratio is fitted to Width×Height.</param>
/// <param name="ChunkFrames">Most frames per chunk (the last chunk holds the rest).</param>
/// <param name="MaxFrames">Stop after this many output frames (null: to the end).</param>
public sealed record FrameReadRequest(
    double? Fps = null,
    int? Width = null,
    int? Height = null,
    FrameFit Fit = FrameFit.CropCenter,
    int ChunkFrames = 64,
    long? MaxFrames = null);
