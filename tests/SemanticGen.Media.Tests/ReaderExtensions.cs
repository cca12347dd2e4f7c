using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media.Tests;

internal static class ReaderExtensions
{
    /// <summary>All chunks of a read, concatenated along T, plus each chunk's length.</summary>
    public static async Task<(torch.Tensor Frames, List<long> ChunkLengths)> ReadAllAsync(this IVideoReader reader, string path, FrameReadRequest request)
    {
        var chunks = new List<torch.Tensor>();
        try
        {
            await foreach (var chunk in reader.ReadFramesAsync(path, request, TestContext.Current.CancellationToken))
            {
                chunks.Add(chunk);
            }

            return (torch.cat(chunks, 0), chunks.Select(c => c.shape[0]).ToList());
        }
        finally
        {
            chunks.ForEach(c => c.Dispose());
        }
    }
}
