using System.Buffers;
using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// Moves the bytes of contiguous uint8 CPU tensors to and from ffmpeg's pipes through one pooled 1 MiB buffer: a plain
/// memory copy per block, no per-pixel loops, and never more than a block of extra memory.
/// </summary>
internal static class TensorPipe
{
    private const int BlockBytes = 1 << 20;

    /// <summary>Writes <paramref name="tensor"/> (contiguous uint8) slice by slice along its first dimension.</summary>
    public static async Task WriteAsync(Stream stream, torch.Tensor tensor, CancellationToken cancellationToken)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            var used = 0;
            for (long i = 0; i < tensor.shape[0]; i++)
            {
                // One slice (a frame, or a pixel row of a sheet) keeps each span within int range.
                using var slice = tensor[i];
                var size = (int)slice.NumberOfElements;
                for (var done = 0; done < size;)
                {
                    var take = Math.Min(block.Length - used, size - done);
                    slice.bytes.Slice(done, take).CopyTo(block.AsSpan(used));
                    (used, done) = (used + take, done + take);
                    if (used == block.Length)
                    {
                        await stream.WriteAsync(block.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                        used = 0;
                    }
                }
            }

            if (used > 0)
            {
                await stream.WriteAsync(block.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>
    /// Reads into <paramref name="tensor"/> (contiguous uint8, at most int.MaxValue bytes) until it is full or the stream
    /// ends; returns the number of bytes read.
    /// </summary>
    public static async Task<long> ReadAsync(Stream stream, torch.Tensor tensor, CancellationToken cancellationToken)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            var capacity = (int)tensor.NumberOfElements;
            var filled = 0;
            while (filled < capacity)
            {
                var read = await stream.ReadAsync(block.AsMemory(0, Math.Min(block.Length, capacity - filled)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                block.AsSpan(0, read).CopyTo(tensor.bytes.Slice(filled, read));
                filled += read;
            }

            return filled;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
