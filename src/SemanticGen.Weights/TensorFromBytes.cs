using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>Fills a new TorchSharp tensor with a stored tensor's bytes, read straight into libtorch's memory.</summary>
internal static class TensorFromBytes
{
    /// <summary>Reads <c>span.Length</c> bytes at <c>fileOffset</c> into <c>span</c>, completely.</summary>
    internal delegate void ReadInto(Span<byte> span, long fileOffset);

    // A Span is int-indexed, so large tensors are filled through 1-D views of at most this many bytes.
    internal const long DefaultChunkBytes = 1L << 30;

    public static torch.Tensor Create(TensorInfo info, ReadInto read, long chunkBytes = DefaultChunkBytes)
    {
        var storedType = info.Dtype.ToTorch();
        // Booleans are read as bytes and compared with zero: libtorch assumes bool storage holds only 0 or 1,
        // and a corrupt file must not be able to plant other values.
        var allocationType = storedType == torch.ScalarType.Bool ? torch.ScalarType.Byte : storedType;
        var tensor = torch.empty(info.Shape.AsSpan(), allocationType);
        try
        {
            if (info.ByteLength > 0)
            {
                using var flat = tensor.view(-1);
                Fill(flat, info.FileOffset, read, chunkBytes);
            }
            if (storedType != torch.ScalarType.Bool)
            {
                return tensor;
            }
            using (tensor)
            {
                return tensor.ne(0);
            }
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void Fill(torch.Tensor flat, long fileOffset, ReadInto read, long chunkBytes)
    {
        var elementSize = flat.ElementSize;
        var total = flat.NumberOfElements;
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long first = 0; first < total; first += perChunk)
        {
            var count = Math.Min(perChunk, total - first);
            using var chunk = flat.narrow(0, first, count);
            read(chunk.bytes, fileOffset + first * elementSize);
        }
    }
}
