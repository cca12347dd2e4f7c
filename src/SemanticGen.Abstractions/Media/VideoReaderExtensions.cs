using TorchSharp;

namespace SemanticGen.Abstractions.Media;

/// <summary>Conveniences over <see cref="IVideoReader"/>.</summary>
public static class VideoReaderExtensions
{
    /// <summary>
    /// Decodes a whole clip into one uint8 tensor (T, H, W, 3); for short clips only (a long video should be
    /// consumed chunk by chunk). The caller owns the result.
    /// </summary>
    public static async Task<torch.Tensor> ReadAllFramesAsync(
        this IVideoReader reader, string path, FrameReadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var chunks = new List<torch.Tensor>();
        try
        {
            await foreach (var chunk in reader.ReadFramesAsync(path, request, cancellationToken).ConfigureAwait(false))
            {
                chunks.Add(chunk);
            }

            if (chunks.Count == 0)
            {
                throw new VideoFormatException(path, "no frames were decoded");
            }

            return chunks.Count == 1 ? chunks[0].alias() : torch.cat(chunks, dim: 0);
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                chunk.Dispose();
            }
        }
    }
}
