namespace SemanticGen.Abstractions.Media;

/// <summary>What a probe of a video file found.</summary>
/// <param name="Path">The file that was probed.</param>
/// <param name="Duration">Duration of the video stream.</param>
/// <param name="Width">Frame width in pixels (for a file we wrote: the stored, even width).</param>
/// <param name="Height">Frame height in pixels (for a file we wrote: the stored, even height).</param>
/// <param name="FrameRate">Average frame rate (frames per second).</param>
/// <param name="FrameCount">
/// Number of frames in the stream: the container's own count (nb_frames, e.g. mp4) when it has one, else the packets
/// counted by demuxing the file (e.g. Matroska/WebM), else round(duration × frame rate).
/// </param>
/// <param name="Codec">The video codec name as ffprobe reports it (e.g. "h264").</param>
public sealed record VideoInfo(string Path, TimeSpan Duration, int Width, int Height, double FrameRate, long FrameCount, string Codec);
