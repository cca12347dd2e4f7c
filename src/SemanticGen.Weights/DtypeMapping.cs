using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>Correspondence between safetensors dtypes and TorchSharp scalar types.</summary>
public static class DtypeMapping
{
    /// <summary>True when TorchSharp has a tensor type with this dtype's exact byte layout.</summary>
    public static bool HasTorchEquivalent(this SafetensorsDtype dtype) => TorchTypeOrNull(dtype) is not null;

    /// <summary>The TorchSharp scalar type with the same byte layout.</summary>
    /// <exception cref="NotSupportedException">TorchSharp has no such type (unsigned 16/32/64-bit, 8/6/4-bit floats).</exception>
    public static torch.ScalarType ToTorch(this SafetensorsDtype dtype) =>
        TorchTypeOrNull(dtype)
            ?? throw new NotSupportedException($"safetensors dtype {dtype} has no TorchSharp equivalent; read its raw bytes instead.");

    /// <summary>The safetensors dtype storing this TorchSharp scalar type.</summary>
    /// <exception cref="NotSupportedException">The type cannot be stored in safetensors (quantized, complex128).</exception>
    public static SafetensorsDtype ToSafetensors(this torch.ScalarType scalarType) => scalarType switch
    {
        torch.ScalarType.Bool => SafetensorsDtype.BOOL,
        torch.ScalarType.Byte => SafetensorsDtype.U8,
        torch.ScalarType.Int8 => SafetensorsDtype.I8,
        torch.ScalarType.Int16 => SafetensorsDtype.I16,
        torch.ScalarType.Int32 => SafetensorsDtype.I32,
        torch.ScalarType.Int64 => SafetensorsDtype.I64,
        torch.ScalarType.Float16 => SafetensorsDtype.F16,
        torch.ScalarType.BFloat16 => SafetensorsDtype.BF16,
        torch.ScalarType.Float32 => SafetensorsDtype.F32,
        torch.ScalarType.Float64 => SafetensorsDtype.F64,
        torch.ScalarType.ComplexFloat32 => SafetensorsDtype.C64,
        _ => throw new NotSupportedException($"TorchSharp scalar type {scalarType} cannot be stored in safetensors."),
    };

    private static torch.ScalarType? TorchTypeOrNull(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.BOOL => torch.ScalarType.Bool,
        SafetensorsDtype.U8 => torch.ScalarType.Byte,
        SafetensorsDtype.I8 => torch.ScalarType.Int8,
        SafetensorsDtype.I16 => torch.ScalarType.Int16,
        SafetensorsDtype.I32 => torch.ScalarType.Int32,
        SafetensorsDtype.I64 => torch.ScalarType.Int64,
        SafetensorsDtype.F16 => torch.ScalarType.Float16,
        SafetensorsDtype.BF16 => torch.ScalarType.BFloat16,
        SafetensorsDtype.F32 => torch.ScalarType.Float32,
        SafetensorsDtype.F64 => torch.ScalarType.Float64,
        SafetensorsDtype.C64 => torch.ScalarType.ComplexFloat32,
        _ => null,
    };
}
