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
public sealed record FrameReadRequest(
    double? Fps = null,
    int? Width = null,
    int? Height = null,
    FrameFit Fit = FrameFit.CropCenter,
    int ChunkFrames = 64,
    long? MaxFrames = null);
