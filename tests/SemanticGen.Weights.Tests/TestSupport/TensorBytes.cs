using TorchSharp;

namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>A tensor's raw little-endian bytes, for byte-exact comparisons.</summary>
internal static class TensorBytes
{
    public static byte[] Of(torch.Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        // Bool storage is one byte per element, 0 or 1, exactly as safetensors stores it.
        var contiguous = tensor.contiguous();
        return contiguous.NumberOfElements == 0 ? [] : contiguous.bytes.ToArray();
    }
}
