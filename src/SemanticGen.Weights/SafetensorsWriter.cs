using System.Buffers.Binary;
using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>
/// Writes tensors to a .safetensors file atomically: everything goes to a temporary file in the target's folder,
/// which is flushed to disk and then renamed over the target, so a crash or error never leaves a half-written
/// checkpoint under the real name. Any device, any layout (non-contiguous tensors are compacted one at a time).
/// </summary>
public static class SafetensorsWriter
{
    // Bytes copied out of libtorch per write call; a Span is int-indexed, and this bounds each copy.
    internal const long DefaultChunkBytes = 64L << 20;

    /// <summary>Writes named tensors and optional string metadata to <paramref name="path"/>, replacing any file there.</summary>
    /// <param name="path">Target file; its folder is created when missing.</param>
    /// <param name="tensors">Names and tensors; names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Written as <c>__metadata__</c>; omitted when null or empty.</param>
    /// <param name="order">Data layout order; <see cref="TensorOrder.Sorted"/> matches the reference implementation.</param>
    /// <exception cref="ArgumentException">A duplicate or reserved name.</exception>
    /// <exception cref="NotSupportedException">A dtype safetensors cannot store (e.g. complex128).</exception>
    public static void Write(
        string path,
        IEnumerable<(string Name, torch.Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null,
        TensorOrder order = TensorOrder.Sorted)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var items = tensors.ToList();
        var plan = Plan(items, order);
        var header = HeaderJsonWriter.Serialize(metadata, plan);
        if (header.Length > SafetensorsFile.MaxHeaderLength)
        {
            throw new InvalidOperationException($"{path}: the header would take {header.Length} bytes, over the format's limit of {SafetensorsFile.MaxHeaderLength}.");
        }
        var byName = items.ToDictionary(i => i.Name, i => i.Tensor, StringComparer.Ordinal);

        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                Span<byte> prefix = stackalloc byte[sizeof(ulong)];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var planned in plan)
                {
                    WriteData(stream, byName[planned.Name]);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes a name → tensor map (e.g. a state dict); see the tuple overload.</summary>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null,
        TensorOrder order = TensorOrder.Sorted) =>
        Write(path, tensors.Select(kv => (kv.Key, kv.Value)), metadata, order);

    private static List<PlannedTensor> Plan(List<(string Name, torch.Tensor Tensor)> items, TensorOrder order)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in items)
        {
            ArgumentNullException.ThrowIfNull(name, "tensor name");
            ArgumentNullException.ThrowIfNull(tensor, $"tensor '{name}'");
            if (name == HeaderJsonParser.MetadataKey)
            {
                throw new ArgumentException($"'{name}' is reserved for metadata and cannot name a tensor.", nameof(items));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"tensor name '{name}' appears more than once.", nameof(items));
            }
        }

        var typed = items.Select(i => (i.Name, i.Tensor, Dtype: i.Tensor.dtype.ToSafetensors()));
        if (order == TensorOrder.Sorted)
        {
            typed = typed.OrderByDescending(i => i.Dtype).ThenBy(i => i.Name, StringComparer.Ordinal);
        }

        var plan = new List<PlannedTensor>(items.Count);
        long offset = 0;
        foreach (var (name, tensor, dtype) in typed)
        {
            var length = checked(tensor.NumberOfElements * tensor.ElementSize);
            plan.Add(new PlannedTensor(name, dtype, tensor.shape, offset, checked(offset + length)));
            offset += length;
        }
        return plan;
    }

    internal static void WriteData(Stream stream, torch.Tensor tensor, long chunkBytes = DefaultChunkBytes)
    {
        if (tensor.NumberOfElements == 0)
        {
            return;
        }
        // One tensor's temporaries at a time: a CPU, contiguous copy only when the tensor is not already so.
        using var scope = torch.NewDisposeScope();
        var compact = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        compact = compact.is_contiguous() ? compact : compact.contiguous();
        var flat = compact.view(-1);
        var elementSize = flat.ElementSize;
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        for (long first = 0; first < flat.NumberOfElements; first += perChunk)
        {
            var count = Math.Min(perChunk, flat.NumberOfElements - first);
            var chunk = flat.narrow(0, first, count);
            stream.Write(chunk.bytes);
            chunk.Dispose();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
