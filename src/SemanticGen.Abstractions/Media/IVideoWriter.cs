using TorchSharp;

namespace SemanticGen.Abstractions.Media;

/// <summary>Options of an mp4 being written.</summary>
/// <param name="Fps">Frames per second of the output.</param>
/// <param name="ContactSheet">Also write a PNG grid of sampled frames beside the mp4 (same name, .png).</param>
/// <param name="ContactSheetColumns">Columns of the contact sheet grid.</param>
/// <param name="ContactSheetFrames">How many frames, evenly spaced, the contact sheet shows.</param>
/// <param name="Crf">x264 constant rate factor (0–51, lower is better quality); null: the writer's default.</param>
public sealed record VideoWriteRequest(
    double Fps,
    bool ContactSheet = true,
    int ContactSheetColumns = 8,
    int ContactSheetFrames = 16,
    int? Crf = null);

/// <summary>Writes H.264 yuv420p mp4 files, frames streamed in chunks.</summary>
public interface IVideoWriter
{
    /// <summary>
    /// Starts an mp4 at <paramref name="path"/> for frames of <paramref name="width"/>×<paramref name="height"/>.
    /// H.264 yuv420p needs even sizes: an odd width or height is stored one larger, the last column or row repeated.
    /// </summary>
    Task<IVideoFrameSink> OpenAsync(string path, int width, int height, VideoWriteRequest request, CancellationToken cancellationToken = default);
}

/// <summary>An mp4 being written. Frames are appended in order; <see cref="CompleteAsync"/> finishes the file.</summary>
public interface IVideoFrameSink : IAsyncDisposable
{
    /// <summary>Appends uint8 RGB frames of shape (T, H, W, 3) or one frame (H, W, 3). The caller keeps ownership.</summary>
    Task AppendAsync(torch.Tensor frames, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes the mp4 (and the contact sheet); until then the file is not at its final path. Disposing the sink
    /// without completing it (or a failed completion) leaves nothing at the final path.
    /// </summary>
    Task<VideoInfo> CompleteAsync(CancellationToken cancellationToken = default);
}
