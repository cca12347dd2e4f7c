using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>
/// Deterministic mutations of a valid safetensors file: raw byte damage anywhere, and JSON-aware edits of the
/// header (numbers, dtypes, duplicated entries, swapped offsets, stray characters) that keep the length prefix
/// consistent so the damage reaches the validator rather than stopping at the prefix check.
/// </summary>
internal sealed partial class HeaderMutator(Random random)
{
    private static readonly string[] NumberReplacements =
    [
        "0", "1", "2", "3", "8", "-1", "1.5", "1e3", "00", "4294967296", "9223372036854775807", "9223372036854775808",
        "4611686018427387904", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
    ];

    private static readonly string[] DtypeReplacements =
        [.. Enum.GetNames<SafetensorsDtype>(), "f32", "F31", "", "FLOAT", "BF16 ", "U8\\u0000"];

    private static readonly string[] StrayCharacters = ["{", "}", "[", "]", "\"", ",", ":", " ", "0", "a", "\\", "\u00e9", "\uFFFF"];

    private static readonly string[] MutationNames =
    [
        "flip header byte", "flip data byte", "set length prefix", "truncate", "append bytes",
        "edit number", "edit dtype", "duplicate entry", "stray character", "swap offsets",
    ];

    public (string Name, byte[] Bytes) Mutate(byte[] original)
    {
        var bytes = original;
        var names = new List<string>();
        var rounds = random.Next(4) == 0 ? 2 + random.Next(2) : 1;
        for (var i = 0; i < rounds; i++)
        {
            var index = random.Next(MutationNames.Length);
            names.Add(MutationNames[index]);
            bytes = Apply(index, bytes);
        }
        return (string.Join(" + ", names), bytes);
    }

    private byte[] Apply(int mutation, byte[] bytes) => mutation switch
    {
        0 => FlipByte(bytes, 0, Math.Min(bytes.Length, 8 + HeaderLength(bytes))),
        1 => FlipByte(bytes, Math.Min(bytes.Length, 8 + HeaderLength(bytes)), bytes.Length),
        2 => SetLengthPrefix(bytes),
        3 => bytes[..random.Next(bytes.Length)],
        4 => [.. bytes, .. RandomBytes(1 + random.Next(16))],
        5 => EditHeader(bytes, EditNumber),
        6 => EditHeader(bytes, EditDtype),
        7 => EditHeader(bytes, DuplicateEntry),
        8 => EditHeader(bytes, InsertOrDeleteCharacter),
        _ => EditHeader(bytes, SwapOffsets),
    };

    private byte[] FlipByte(byte[] bytes, int from, int to)
    {
        if (to <= from)
        {
            return bytes;
        }
        var copy = (byte[])bytes.Clone();
        copy[random.Next(from, to)] ^= (byte)(1 + random.Next(255));
        return copy;
    }

    private byte[] SetLengthPrefix(byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            return bytes;
        }
        var current = HeaderLength(bytes);
        ulong[] candidates =
        [
            0, 1, (ulong)Math.Max(0, current - 1), (ulong)current + 1, (ulong)(current + random.Next(-16, 17) & int.MaxValue),
            (ulong)bytes.Length - 8, (ulong)bytes.Length, 100_000_000, 100_000_001, ulong.MaxValue, (ulong)random.NextInt64(),
        ];
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, candidates[random.Next(candidates.Length)]);
        return copy;
    }

    private string EditNumber(string header)
    {
        var numbers = NumberPattern().Matches(header);
        if (numbers.Count == 0)
        {
            return header;
        }
        var target = numbers[random.Next(numbers.Count)];
        var replacement = random.Next(3) == 0 && long.TryParse(target.Value, out var value) && value is > -1000 and < 1_000_000
            ? (value + random.Next(-8, 9)).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : NumberReplacements[random.Next(NumberReplacements.Length)];
        return header[..target.Index] + replacement + header[(target.Index + target.Length)..];
    }

    private string EditDtype(string header)
    {
        var dtypes = DtypePattern().Matches(header);
        if (dtypes.Count == 0)
        {
            return header;
        }
        var target = dtypes[random.Next(dtypes.Count)].Groups[1];
        return header[..target.Index] + DtypeReplacements[random.Next(DtypeReplacements.Length)] + header[(target.Index + target.Length)..];
    }

    private string DuplicateEntry(string header)
    {
        var entries = EntryPattern().Matches(header);
        if (entries.Count == 0)
        {
            return header;
        }
        var entry = entries[random.Next(entries.Count)];
        return header[..(entry.Index + entry.Length)] + "," + entry.Value + header[(entry.Index + entry.Length)..];
    }

    private string InsertOrDeleteCharacter(string header)
    {
        var position = random.Next(header.Length + 1);
        if (random.Next(2) == 0 && position < header.Length)
        {
            return header.Remove(position, 1);
        }
        return header.Insert(position, StrayCharacters[random.Next(StrayCharacters.Length)]);
    }

    private string SwapOffsets(string header)
    {
        var offsets = OffsetsPattern().Matches(header);
        if (offsets.Count < 2)
        {
            return header;
        }
        var first = offsets[random.Next(offsets.Count)];
        var second = offsets[random.Next(offsets.Count)];
        if (first.Index == second.Index)
        {
            return header;
        }
        var (a, b) = first.Index < second.Index ? (first, second) : (second, first);
        return header[..a.Index] + b.Value + header[(a.Index + a.Length)..b.Index] + a.Value + header[(b.Index + b.Length)..];
    }

    /// <summary>Edits the header as UTF-8 text and rewrites the length prefix to match; data bytes stay as they were.</summary>
    private static byte[] EditHeader(byte[] bytes, Func<string, string> edit)
    {
        var length = HeaderLength(bytes);
        if (bytes.Length < 8 || length > bytes.Length - 8)
        {
            return bytes;
        }
        var header = Encoding.UTF8.GetString(bytes, 8, length);
        return RawFile.Build(edit(header), bytes[(8 + length)..]);
    }

    private static int HeaderLength(byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            return 0;
        }
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return declared > int.MaxValue / 2 ? int.MaxValue / 2 : (int)declared;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    [GeneratedRegex("-?[0-9]+")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"dtype\":\"([^\"]*)\"")]
    private static partial Regex DtypePattern();

    [GeneratedRegex("\"[^\"]+\":\\{\"dtype\"[^}]*\\}")]
    private static partial Regex EntryPattern();

    [GeneratedRegex("\\[[0-9]+,[0-9]+\\]")]
    private static partial Regex OffsetsPattern();
}
