using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>
/// One .safetensors file, opened lazily: <see cref="Open"/> reads and validates only the header; each
/// <see cref="ReadTensor"/> reads exactly that tensor's bytes with positioned reads, so a tensor can be taken from a
/// multi-gigabyte shard without loading the rest. Safe for concurrent reads. Assumes a little-endian host (the
/// format is little-endian and bytes are copied as they are), which every platform .NET and libtorch run on is.
/// </summary>
public sealed class SafetensorsFile : ITensorSource
{
    /// <summary>The largest header the format accepts (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const int LengthPrefixSize = sizeof(ulong);

    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, TensorInfo> _byName;
    private long _bytesRead;

    private SafetensorsFile(string path, SafeFileHandle handle, long headerLength, RawHeader header, IReadOnlyList<TensorInfo> tensors, long bytesRead)
    {
        Path = path;
        _handle = handle;
        HeaderLength = headerLength;
        Metadata = header.Metadata;
        Tensors = tensors;
        Keys = tensors.Select(t => t.Name).ToArray();
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _bytesRead = bytesRead;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>Tensor names in file (offset) order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Every tensor's info, in file (offset) order.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> string map in header order; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The JSON header's length in bytes (the 8-byte length prefix excluded).</summary>
    public long HeaderLength { get; }

    /// <summary>Bytes read from disk so far, header included: what lets callers (and tests) see reads stay lazy.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Opens a file and validates its header against every rule of the format.</summary>
    /// <exception cref="SafetensorsFormatException">The file breaks a rule; the message names file, tensor and rule.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian and is copied as is; this host is big-endian.");
        }
        var fullPath = System.IO.Path.GetFullPath(path);
        var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength < LengthPrefixSize)
            {
                throw new SafetensorsFormatException(fullPath, null, FormatRules.FileTooSmall,
                    $"the file has {fileLength} bytes, fewer than the 8-byte header length.");
            }
            Span<byte> prefix = stackalloc byte[LengthPrefixSize];
            ReadExactly(handle, fullPath, prefix, 0);
            var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (declared > MaxHeaderLength)
            {
                throw new SafetensorsFormatException(fullPath, null, FormatRules.HeaderTooLarge,
                    $"the header length {declared} exceeds the limit of {MaxHeaderLength} bytes.");
            }
            var headerLength = (long)declared;
            if (headerLength > fileLength - LengthPrefixSize)
            {
                throw new SafetensorsFormatException(fullPath, null, FormatRules.HeaderLengthExceedsFile,
                    $"the header length {headerLength} runs past the end of the {fileLength}-byte file.");
            }

            var headerBytes = new byte[headerLength];
            ReadExactly(handle, fullPath, headerBytes, LengthPrefixSize);
            var header = HeaderJsonParser.Parse(fullPath, headerBytes);
            var dataStart = LengthPrefixSize + headerLength;
            var tensors = HeaderLayoutValidator.Validate(fullPath, header.Tensors, dataStart, fileLength - dataStart);
            return new SafetensorsFile(fullPath, handle, headerLength, header, tensors, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool Contains(string key) => _byName.ContainsKey(key);

    /// <inheritdoc />
    public TensorInfo GetInfo(string key) =>
        _byName.TryGetValue(key, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: no tensor named '{key}'.");

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key, torch.ScalarType? dtype = null)
    {
        var info = GetInfo(key);
        var stored = TensorFromBytes.Create(info, (span, fileOffset) => ReadCounted(span, fileOffset));
        if (dtype is not { } wanted || wanted == stored.dtype)
        {
            return stored;
        }
        using (stored)
        {
            return stored.to(wanted);
        }
    }

    /// <summary>Reads one tensor's raw little-endian bytes, e.g. for dtypes TorchSharp lacks.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than a .NET array can hold.</exception>
    public byte[] ReadBytes(string key)
    {
        var info = GetInfo(key);
        if (info.ByteLength > Array.MaxLength)
        {
            throw new NotSupportedException($"{Path}: tensor '{key}' has {info.ByteLength} bytes, too many for one array; use ReadTensor.");
        }
        var bytes = new byte[info.ByteLength];
        ReadCounted(bytes, info.FileOffset);
        return bytes;
    }

    /// <summary>Closes the file; later reads throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _handle.Dispose();

    private void ReadCounted(Span<byte> destination, long fileOffset)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        ReadExactly(_handle, Path, destination, fileOffset);
        Interlocked.Add(ref _bytesRead, destination.Length);
    }

    private static void ReadExactly(SafeFileHandle handle, string path, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                throw new SafetensorsFormatException(path, null, FormatRules.UnexpectedEndOfFile,
                    $"the file ended at byte {fileOffset}; it was truncated after it was opened.");
            }
            destination = destination[read..];
            fileOffset += read;
        }
    }
}
