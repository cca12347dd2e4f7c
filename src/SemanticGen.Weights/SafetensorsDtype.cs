using System.Collections.Frozen;

namespace SemanticGen.Weights;

/// <summary>
/// Element types a safetensors header may name (the reference implementation's full list), in the reference's
/// alignment order, which the writer's sorted order uses. Only some have a TorchSharp equivalent; see
/// <see cref="DtypeMapping"/>.
/// </summary>
public enum SafetensorsDtype
{
    /// <summary>Boolean, one byte per element.</summary>
    BOOL,
    /// <summary>4-bit float (sub-byte; element counts must fill whole bytes).</summary>
    F4,
    /// <summary>6-bit float, E2M3 (sub-byte).</summary>
    F6_E2M3,
    /// <summary>6-bit float, E3M2 (sub-byte).</summary>
    F6_E3M2,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float, E5M2.</summary>
    F8_E5M2,
    /// <summary>8-bit float, E4M3.</summary>
    F8_E4M3,
    /// <summary>8-bit float, E8M0 (scale format).</summary>
    F8_E8M0,
    /// <summary>8-bit float, E4M3 FNUZ.</summary>
    F8_E4M3FNUZ,
    /// <summary>8-bit float, E5M2 FNUZ.</summary>
    F8_E5M2FNUZ,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE half precision.</summary>
    F16,
    /// <summary>bfloat16.</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE single precision.</summary>
    F32,
    /// <summary>Complex of two single-precision floats.</summary>
    C64,
    /// <summary>IEEE double precision.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Sizes and header names of <see cref="SafetensorsDtype"/> values.</summary>
public static class SafetensorsDtypeExtensions
{
    /// <summary>Bits one element occupies in the data section (sub-byte types pack).</summary>
    public static int BitSize(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F4 => 4,
        SafetensorsDtype.F6_E2M3 or SafetensorsDtype.F6_E3M2 => 6,
        SafetensorsDtype.BOOL or SafetensorsDtype.U8 or SafetensorsDtype.I8 or SafetensorsDtype.F8_E5M2
            or SafetensorsDtype.F8_E4M3 or SafetensorsDtype.F8_E8M0 or SafetensorsDtype.F8_E4M3FNUZ
            or SafetensorsDtype.F8_E5M2FNUZ => 8,
        SafetensorsDtype.I16 or SafetensorsDtype.U16 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 16,
        SafetensorsDtype.I32 or SafetensorsDtype.U32 or SafetensorsDtype.F32 => 32,
        SafetensorsDtype.C64 or SafetensorsDtype.F64 or SafetensorsDtype.I64 or SafetensorsDtype.U64 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The name the header uses for this dtype (e.g. "BF16").</summary>
    public static string HeaderName(this SafetensorsDtype dtype) =>
        Enum.IsDefined(dtype) ? dtype.ToString() : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype");

    /// <summary>Parses a header dtype name; exact, case-sensitive match as in the reference implementation.</summary>
    public static bool TryParseHeaderName(string name, out SafetensorsDtype dtype) => ByHeaderName.TryGetValue(name, out dtype);

    // Enum.TryParse would also accept numbers and other casings, which the format does not.
    private static readonly FrozenDictionary<string, SafetensorsDtype> ByHeaderName =
        Enum.GetValues<SafetensorsDtype>().ToFrozenDictionary(d => d.ToString(), StringComparer.Ordinal);
}
