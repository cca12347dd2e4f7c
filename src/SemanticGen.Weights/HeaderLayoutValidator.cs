using System.Collections.Immutable;

namespace SemanticGen.Weights;

/// <summary>
/// Checks that tensor entries tile the data section exactly, as the reference implementation does: sorted by
/// offset, the first starts at 0, each starts where the previous ended, each spans product(shape) × dtype size
/// bytes, and the last ends at the end of the file. All arithmetic is checked, so absurd numbers fail cleanly.
/// </summary>
internal static class HeaderLayoutValidator
{
    /// <summary>Returns the entries in file order as <see cref="TensorInfo"/>s with absolute file offsets.</summary>
    public static IReadOnlyList<TensorInfo> Validate(string file, IReadOnlyList<RawTensorEntry> entries, long dataStart, long dataLength)
    {
        var sorted = entries
            .OrderBy(e => e.Start)
            .ThenBy(e => e.End)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        var tensors = new List<TensorInfo>(sorted.Count);
        ulong covered = 0;
        string? previous = null;
        foreach (var entry in sorted)
        {
            CheckOffsets(file, entry, covered, previous, (ulong)dataLength);
            var shape = ToShape(file, entry);
            var byteLength = ByteLength(file, entry, shape);
            if (entry.End - entry.Start != (ulong)byteLength)
            {
                throw new SafetensorsFormatException(file, entry.Name, FormatRules.SizeMismatch,
                    $"data_offsets [{entry.Start}, {entry.End}] span {entry.End - entry.Start} bytes but "
                    + $"{entry.Dtype} {TensorInfo.FormatShape(shape)} needs {byteLength}.");
            }
            tensors.Add(new TensorInfo(entry.Name, entry.Dtype, shape, file, dataStart + (long)entry.Start, byteLength));
            covered = entry.End;
            previous = entry.Name;
        }

        if (covered != (ulong)dataLength)
        {
            throw new SafetensorsFormatException(file, null, FormatRules.TrailingData,
                $"the data section holds {dataLength} bytes but the tensors cover only {covered}.");
        }
        return tensors;
    }

    private static void CheckOffsets(string file, RawTensorEntry entry, ulong covered, string? previous, ulong dataLength)
    {
        if (entry.End < entry.Start)
        {
            throw new SafetensorsFormatException(file, entry.Name, FormatRules.OffsetReversed,
                $"data_offsets [{entry.Start}, {entry.End}] end before they start.");
        }
        if (entry.Start < covered)
        {
            throw new SafetensorsFormatException(file, entry.Name, FormatRules.OffsetOverlap,
                $"data_offsets [{entry.Start}, {entry.End}] overlap tensor '{previous}', which ends at {covered}.");
        }
        if (entry.Start > covered)
        {
            var after = previous is null ? "the start of the data section" : $"tensor '{previous}'";
            throw new SafetensorsFormatException(file, entry.Name, FormatRules.OffsetGap,
                $"data_offsets [{entry.Start}, {entry.End}] leave bytes [{covered}, {entry.Start}) after {after} unused.");
        }
        if (entry.End > dataLength)
        {
            throw new SafetensorsFormatException(file, entry.Name, FormatRules.OffsetOutOfBounds,
                $"data_offsets [{entry.Start}, {entry.End}] run past the data section's {dataLength} bytes.");
        }
    }

    private static ImmutableArray<long> ToShape(string file, RawTensorEntry entry)
    {
        var shape = ImmutableArray.CreateBuilder<long>(entry.Shape.Length);
        foreach (var dimension in entry.Shape)
        {
            // TorchSharp shapes are signed 64-bit; larger dimensions cannot describe a real tensor anyway.
            if (dimension > long.MaxValue)
            {
                throw Overflow(file, entry, $"dimension {dimension} exceeds {long.MaxValue}.");
            }
            shape.Add((long)dimension);
        }
        return shape.MoveToImmutable();
    }

    private static long ByteLength(string file, RawTensorEntry entry, ImmutableArray<long> shape)
    {
        ulong bits;
        try
        {
            ulong elements = 1;
            foreach (var dimension in shape)
            {
                elements = checked(elements * (ulong)dimension);
            }
            bits = checked(elements * (ulong)entry.Dtype.BitSize());
        }
        catch (OverflowException)
        {
            throw Overflow(file, entry, $"{entry.Dtype} {TensorInfo.FormatShape(shape)} overflows 64-bit size arithmetic.");
        }
        if (bits % 8 != 0)
        {
            throw new SafetensorsFormatException(file, entry.Name, FormatRules.MisalignedSize,
                $"{entry.Dtype} {TensorInfo.FormatShape(shape)} occupies {bits} bits, not a whole number of bytes.");
        }
        var bytes = bits / 8;
        return bytes <= long.MaxValue ? (long)bytes : throw Overflow(file, entry, $"{bytes} bytes exceed {long.MaxValue}.");
    }

    private static SafetensorsFormatException Overflow(string file, RawTensorEntry entry, string detail) =>
        new(file, entry.Name, FormatRules.ArithmeticOverflow, detail);
}
