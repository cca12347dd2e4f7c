using System.Buffers.Binary;
using System.Text;

namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>Builds safetensors bytes by hand, independently of the writer under test.</summary>
internal static class RawFile
{
    /// <summary>8-byte little-endian length (the header's, unless overridden), the header text, then the data.</summary>
    public static byte[] Build(string header, byte[]? data = null, ulong? declaredLength = null) =>
        BuildFromHeaderBytes(Encoding.UTF8.GetBytes(header), data, declaredLength);

    public static byte[] BuildFromHeaderBytes(byte[] header, byte[]? data = null, ulong? declaredLength = null)
    {
        data ??= [];
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Little-endian bytes of the given values, concatenated.</summary>
    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] UInt16s(params ushort[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

/// <summary>One hand-described tensor: header dtype name, shape as JSON text, and its bytes.</summary>
internal sealed record RawTensor(string Name, string Dtype, string Shape, byte[] Data);

/// <summary>Composes a header JSON with consecutive offsets by string concatenation (no code under test).</summary>
internal static class HandMadeFile
{
    public static byte[] Of(params RawTensor[] tensors) => Of(null, tensors);

    public static byte[] Of(string? metadataJson, params RawTensor[] tensors)
    {
        var entries = new List<string>();
        if (metadataJson is not null)
        {
            entries.Add($"\"__metadata__\":{metadataJson}");
        }
        var offset = 0;
        foreach (var tensor in tensors)
        {
            entries.Add($"\"{tensor.Name}\":{{\"dtype\":\"{tensor.Dtype}\",\"shape\":{tensor.Shape},\"data_offsets\":[{offset},{offset + tensor.Data.Length}]}}");
            offset += tensor.Data.Length;
        }
        return RawFile.Build("{" + string.Join(",", entries) + "}", RawFile.Concat(tensors.Select(t => t.Data).ToArray()));
    }
}
