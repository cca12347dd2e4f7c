using System.Text.Json;

namespace SemanticGen.Weights;

/// <summary>
/// Reads one tensor entry, <c>{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}</c>. Unknown fields are
/// skipped, as the reference implementation does; the three known ones are required, typed and unique.
/// </summary>
internal static class TensorEntryJson
{
    public static RawTensorEntry Read(string file, string name, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(file, name, FormatRules.InvalidTensorEntry, $"the entry must be an object, found {reader.TokenType}.");
        }

        SafetensorsDtype? dtype = null;
        ulong[]? shape = null;
        ulong[]? offsets = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            if (!seen.Add(field))
            {
                throw Fail(file, name, FormatRules.DuplicateKey, $"the entry names '{field}' more than once.");
            }
            reader.Read();
            switch (field)
            {
                case "dtype":
                    dtype = ReadDtype(file, name, ref reader);
                    break;
                case "shape":
                    shape = ReadIntegers(file, name, ref reader, FormatRules.InvalidShape, "shape");
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(file, name, ref reader, FormatRules.InvalidOffsets, "data_offsets");
                    if (offsets.Length != 2)
                    {
                        throw Fail(file, name, FormatRules.InvalidOffsets,
                            $"data_offsets must hold exactly two integers, found {offsets.Length}.");
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            var missing = new[] { ("dtype", dtype is null), ("shape", shape is null), ("data_offsets", offsets is null) }
                .Where(f => f.Item2).Select(f => f.Item1);
            throw Fail(file, name, FormatRules.MissingField, $"the entry lacks {string.Join(", ", missing)}.");
        }
        return new RawTensorEntry(name, dtype.Value, shape, offsets[0], offsets[1]);
    }

    private static SafetensorsDtype ReadDtype(string file, string name, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Fail(file, name, FormatRules.InvalidTensorEntry, $"dtype must be a string, found {reader.TokenType}.");
        }
        var text = reader.GetString()!;
        return SafetensorsDtypeExtensions.TryParseHeaderName(text, out var dtype)
            ? dtype
            : throw Fail(file, name, FormatRules.UnknownDtype, $"dtype '{Truncate(text)}' is not a safetensors dtype.");
    }

    private static ulong[] ReadIntegers(string file, string name, ref Utf8JsonReader reader, string rule, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail(file, name, rule, $"{field} must be an array of integers, found {reader.TokenType}.");
        }
        var values = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // TryGetUInt64 refuses fractions, exponents, negatives and values above 2^64-1, like serde's usize.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value))
            {
                throw Fail(file, name, rule, $"{field} must hold non-negative integers below 2^64; found {Describe(ref reader)}.");
            }
            values.Add(value);
        }
        return [.. values];
    }

    private static string Describe(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.Number or JsonTokenType.String
            ? Truncate(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))
            : reader.TokenType.ToString();

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static SafetensorsFormatException Fail(string file, string name, string rule, string detail) =>
        new(file, name, rule, detail);
}
