namespace SemanticGen.Weights;

/// <summary>
/// The rule ids carried by <see cref="SafetensorsFormatException.Rule"/>. They are stable: tests and callers may
/// match on them. The file rules mirror the reference implementation's checks (huggingface/safetensors).
/// </summary>
public static class FormatRules
{
    /// <summary>The file is shorter than the 8-byte header length.</summary>
    public const string FileTooSmall = "file-too-small";
    /// <summary>The declared header length exceeds 100,000,000 bytes.</summary>
    public const string HeaderTooLarge = "header-too-large";
    /// <summary>The declared header length runs past the end of the file.</summary>
    public const string HeaderLengthExceedsFile = "header-length-exceeds-file";
    /// <summary>The header bytes are not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid-utf8";
    /// <summary>The header is not well-formed JSON (or has content after the root value other than whitespace).</summary>
    public const string InvalidJson = "invalid-json";
    /// <summary>The header's root JSON value is not an object.</summary>
    public const string HeaderNotObject = "header-not-object";
    /// <summary>A key appears twice in the same JSON object.</summary>
    public const string DuplicateKey = "duplicate-key";
    /// <summary><c>__metadata__</c> is not an object of string values.</summary>
    public const string InvalidMetadata = "invalid-metadata";
    /// <summary>A tensor entry is not an object, or a field has the wrong JSON type.</summary>
    public const string InvalidTensorEntry = "invalid-tensor-entry";
    /// <summary>A tensor entry lacks <c>dtype</c>, <c>shape</c> or <c>data_offsets</c>.</summary>
    public const string MissingField = "missing-field";
    /// <summary>The dtype name is not one the format defines.</summary>
    public const string UnknownDtype = "unknown-dtype";
    /// <summary>A shape entry is not a non-negative integer.</summary>
    public const string InvalidShape = "invalid-shape";
    /// <summary><c>data_offsets</c> is not a pair of non-negative integers.</summary>
    public const string InvalidOffsets = "invalid-offsets";
    /// <summary>A tensor's end offset is before its start offset.</summary>
    public const string OffsetReversed = "offset-reversed";
    /// <summary>Bytes between tensors (or before the first) belong to no tensor.</summary>
    public const string OffsetGap = "offset-gap";
    /// <summary>Two tensors share bytes.</summary>
    public const string OffsetOverlap = "offset-overlap";
    /// <summary>A tensor's bytes lie beyond the end of the data section.</summary>
    public const string OffsetOutOfBounds = "offset-out-of-bounds";
    /// <summary>The data section has bytes after the last tensor.</summary>
    public const string TrailingData = "trailing-data";
    /// <summary>The byte range's length differs from product(shape) × dtype size.</summary>
    public const string SizeMismatch = "size-mismatch";
    /// <summary>A sub-byte dtype's element count does not fill whole bytes.</summary>
    public const string MisalignedSize = "misaligned-size";
    /// <summary>The shape or byte size overflows 64-bit arithmetic (or a dimension exceeds <see cref="long.MaxValue"/>).</summary>
    public const string ArithmeticOverflow = "arithmetic-overflow";
    /// <summary>The file became shorter after it was opened.</summary>
    public const string UnexpectedEndOfFile = "unexpected-end-of-file";

    /// <summary>The sharded index is not well-formed JSON with an object <c>weight_map</c> of string values.</summary>
    public const string InvalidIndex = "invalid-index";
    /// <summary>The index names a shard path that is absolute or leaves the index's folder.</summary>
    public const string IndexShardPathOutsideFolder = "index-shard-outside-folder";
    /// <summary>The index names a shard file that does not exist.</summary>
    public const string IndexShardMissing = "index-shard-missing";
    /// <summary>The index maps a key to a shard that does not contain it.</summary>
    public const string IndexKeyNotInShard = "index-key-not-in-shard";
}
