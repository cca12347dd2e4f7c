using System.Collections.Immutable;

namespace SemanticGen.Weights;

/// <summary>Where a named tensor lives and what it is, known from a header without reading its bytes.</summary>
/// <param name="Name">The tensor's key in the header.</param>
/// <param name="Dtype">Its element type as stored.</param>
/// <param name="Shape">Its dimensions (empty for a scalar).</param>
/// <param name="File">The full path of the .safetensors file that holds it.</param>
/// <param name="FileOffset">Absolute byte position of its first byte in that file.</param>
/// <param name="ByteLength">Number of bytes it occupies.</param>
public sealed record TensorInfo(
    string Name,
    SafetensorsDtype Dtype,
    ImmutableArray<long> Shape,
    string File,
    long FileOffset,
    long ByteLength)
{
    /// <summary>Product of the shape (1 for a scalar); validated not to overflow when the header was read.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dimension in Shape)
            {
                count = checked(count * dimension);
            }
            return count;
        }
    }

    /// <summary>The shape as "[a, b, c]", for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
