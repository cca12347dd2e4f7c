using TorchSharp;

namespace SemanticGen.Abstractions.Media;

/// <summary>Probes and decodes local video files.</summary>
public interface IVideoReader
{
    /// <summary>Probes <paramref name="path"/>; a missing, empty, non-video or zero-frame file throws <see cref="VideoFormatException"/>.</summary>
    Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decodes frames as uint8 RGB tensors of shape (T, H, W, 3), T ≤ <see cref="FrameReadRequest.ChunkFrames"/>,
    /// in order. The caller owns (and disposes) each chunk. A bad request throws <see cref="ArgumentException"/> at once;
    /// an unusable, corrupt or truncated file throws <see cref="VideoFormatException"/> while enumerating (possibly after
    /// some chunks). Cancelling or disposing the enumerator early stops the decoder.
    /// </summary>
    IAsyncEnumerable<torch.Tensor> ReadFramesAsync(string path, FrameReadRequest request, CancellationToken cancellationToken = default);
}
