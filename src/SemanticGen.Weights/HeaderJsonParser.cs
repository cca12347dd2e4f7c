using System.Text.Json;
using System.Text.Unicode;

namespace SemanticGen.Weights;

/// <summary>One tensor entry as the header states it, before its offsets and sizes are checked.</summary>
internal sealed record RawTensorEntry(string Name, SafetensorsDtype Dtype, ulong[] Shape, ulong Start, ulong End);

/// <summary>A header's content as stated: metadata in header order, tensor entries in header order.</summary>
internal sealed record RawHeader(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<RawTensorEntry> Tensors);

/// <summary>
/// Reads the JSON header of a safetensors file with a forward-only reader, because the format forbids what a
/// DOM parser silently accepts: duplicate keys (last one wins in JsonDocument), invalid UTF-8 and non-integer
/// numbers in shapes and offsets.
/// </summary>
internal static class HeaderJsonParser
{
    internal const string MetadataKey = "__metadata__";

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    public static RawHeader Parse(string file, ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidUtf8, "the header is not valid UTF-8.");
        }
        // The reference decodes with serde_json, which rejects a byte-order mark; Utf8JsonReader would skip it.
        if (json.StartsWith("\uFEFF"u8))
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidJson, "the header starts with a byte-order mark.");
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            return ReadRoot(file, ref reader);
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidJson,
                $"the header is not valid JSON (byte {ex.BytePositionInLine}): {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // GetString throws this for escapes that decode to invalid UTF-16 (lone surrogates).
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidJson,
                $"the header holds an invalid string: {ex.Message}", ex);
        }
    }

    private static RawHeader ReadRoot(string file, ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidJson, "the header is empty.");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(file, null, FormatRules.HeaderNotObject,
                $"the header must be a JSON object, found {reader.TokenType}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<RawTensorEntry>();
        IReadOnlyDictionary<string, string>? metadata = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key))
            {
                throw new SafetensorsFormatException(file, key == MetadataKey ? null : key, FormatRules.DuplicateKey,
                    $"the header names '{key}' more than once.");
            }
            reader.Read();
            if (key == MetadataKey)
            {
                metadata = ReadMetadata(file, ref reader);
            }
            else
            {
                tensors.Add(TensorEntryJson.Read(file, key, ref reader));
            }
        }

        // Only whitespace may follow the root object (the writer pads with spaces); the reader throws otherwise.
        if (reader.Read())
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidJson, "content follows the header object.");
        }
        return new RawHeader(metadata ?? new Dictionary<string, string>(), tensors);
    }

    private static IReadOnlyDictionary<string, string>? ReadMetadata(string file, ref Utf8JsonReader reader)
    {
        // The reference models __metadata__ as an optional string map, so null means "none".
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(file, null, FormatRules.InvalidMetadata,
                $"{MetadataKey} must be an object of strings, found {reader.TokenType}.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafetensorsFormatException(file, null, FormatRules.InvalidMetadata,
                    $"{MetadataKey}['{key}'] must be a string, found {reader.TokenType}.");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new SafetensorsFormatException(file, null, FormatRules.DuplicateKey,
                    $"{MetadataKey} names '{key}' more than once.");
            }
        }
        return metadata;
    }
}
