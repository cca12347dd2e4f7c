using TorchSharp;

namespace SemanticGen.Abstractions.Media;

/// <summary>Conveniences over <see cref="IVideoWriter"/>.</summary>
public static class VideoWriterExtensions
{
    /// <summary>
    /// Writes all of <paramref name="frames"/> (uint8, shape (T, H, W, 3)) to an mp4 at <paramref name="path"/> in one call;
    /// for clips already in memory. The caller keeps ownership of <paramref name="frames"/>.
    /// </summary>
    public static async Task<VideoInfo> WriteAsync(
        this IVideoWriter writer, string path, torch.Tensor frames, VideoWriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.dim() != 4)
        {
            throw new ArgumentException($"expected frames of shape (T, H, W, 3), found ({string.Join(", ", frames.shape)})", nameof(frames));
        }

        await using var sink = await writer.OpenAsync(path, (int)frames.shape[2], (int)frames.shape[1], request, cancellationToken).ConfigureAwait(false);
        await sink.AppendAsync(frames, cancellationToken).ConfigureAwait(false);
        return await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
