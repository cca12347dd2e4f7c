using System.Text.Json;
using System.Text.Unicode;

namespace SemanticGen.Weights;

/// <summary>
/// The content of a <c>*.safetensors.index.json</c>: <c>weight_map</c> (tensor name → shard file name, in file order)
/// and <c>metadata</c> (values rendered as text, e.g. <c>total_size</c>). Parsed with a forward-only reader so that a
/// key mapped twice is an error rather than a silent overwrite.
/// </summary>
internal sealed record ShardIndex(IReadOnlyList<KeyValuePair<string, string>> WeightMap, IReadOnlyDictionary<string, string> Metadata)
{
    public static ShardIndex Read(string indexPath)
    {
        var length = new FileInfo(indexPath).Length;
        if (length > SafetensorsFile.MaxHeaderLength)
        {
            throw new SafetensorsFormatException(indexPath, null, FormatRules.InvalidIndex,
                $"the index has {length} bytes, over the limit of {SafetensorsFile.MaxHeaderLength}.");
        }
        var bytes = File.ReadAllBytes(indexPath);
        if (!Utf8.IsValid(bytes))
        {
            throw new SafetensorsFormatException(indexPath, null, FormatRules.InvalidUtf8, "the index is not valid UTF-8.");
        }
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
            return ReadRoot(indexPath, ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new SafetensorsFormatException(indexPath, null, FormatRules.InvalidIndex, $"the index is not valid JSON: {ex.Message}", ex);
        }
    }

    private static ShardIndex ReadRoot(string indexPath, ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(indexPath, null, "the index must be a JSON object.");
        }
        List<KeyValuePair<string, string>>? weightMap = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key))
            {
                throw new SafetensorsFormatException(indexPath, null, FormatRules.DuplicateKey, $"the index names '{key}' more than once.");
            }
            reader.Read();
            switch (key)
            {
                case "weight_map":
                    weightMap = ReadWeightMap(indexPath, ref reader);
                    break;
                case "metadata" when reader.TokenType == JsonTokenType.StartObject:
                    ReadMetadata(ref reader, metadata);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return weightMap is null
            ? throw Invalid(indexPath, null, "the index has no weight_map.")
            : new ShardIndex(weightMap, metadata);
    }

    private static List<KeyValuePair<string, string>> ReadWeightMap(string indexPath, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(indexPath, null, $"weight_map must be an object, found {reader.TokenType}.");
        }
        var entries = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var tensor = reader.GetString()!;
            if (!seen.Add(tensor))
            {
                throw new SafetensorsFormatException(indexPath, tensor, FormatRules.DuplicateKey, "weight_map maps this tensor more than once.");
            }
            reader.Read();
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } shard)
            {
                throw Invalid(indexPath, tensor, "weight_map values must be non-empty shard file names.");
            }
            entries.Add(new(tensor, shard));
        }
        return entries;
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            // total_size is a number in practice; keep every value as text so the map stays string → string.
            using var value = JsonDocument.ParseValue(ref reader);
            metadata[key] = value.RootElement.ValueKind == JsonValueKind.String
                ? value.RootElement.GetString()!
                : value.RootElement.GetRawText();
        }
    }

    private static SafetensorsFormatException Invalid(string indexPath, string? tensor, string detail) =>
        new(indexPath, tensor, FormatRules.InvalidIndex, detail);
}
