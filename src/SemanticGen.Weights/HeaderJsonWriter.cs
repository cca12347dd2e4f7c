using System.Text.Encodings.Web;
using System.Text.Json;

namespace SemanticGen.Weights;

/// <summary>A tensor as the writer will lay it out: dtype, shape and its byte range in the data section.</summary>
internal sealed record PlannedTensor(string Name, SafetensorsDtype Dtype, long[] Shape, long Start, long End);

/// <summary>
/// Serializes a header the way the reference implementation does: compact JSON, <c>__metadata__</c> first, tensors in
/// data order, then spaces up to a multiple of 8 bytes so the data section starts 8-byte aligned.
/// </summary>
internal static class HeaderJsonWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Names are data, not HTML: escape only what JSON requires, like serde_json does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static byte[] Serialize(IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<PlannedTensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(HeaderJsonParser.MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.Dtype.HeaderName());
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(tensor.Start);
                json.WriteNumberValue(tensor.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}
