using System.Collections.Immutable;
using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>
/// Tensors over 2 GiB are moved in chunks (spans are int-indexed). Real multi-GiB tensors are too heavy for unit
/// tests, so the same code paths run here with chunks of a few bytes.
/// </summary>
public sealed class ChunkingTests
{
    [Fact]
    public void Reading_in_chunks_places_every_chunk_at_its_offset()
    {
        var values = Enumerable.Range(0, 10).Select(i => i * 1.5f).ToArray();
        var file = RawFile.Concat([9, 9, 9], RawFile.Floats(values));
        var info = new TensorInfo("t", SafetensorsDtype.F32, [2, 5], "memory", FileOffset: 3, ByteLength: 40);
        var reads = new List<(long Offset, int Length)>();

        using var tensor = TensorFromBytes.Create(info, (span, offset) =>
        {
            reads.Add((offset, span.Length));
            file.AsSpan((int)offset, span.Length).CopyTo(span);
        }, chunkBytes: 12);

        tensor.data<float>().ToArray().Should().Equal(values);
        reads.Should().Equal((3, 12), (15, 12), (27, 12), (39, 4));
    }

    [Fact]
    public void Writing_in_chunks_emits_the_bytes_in_logical_order()
    {
        using var matrix = torch.arange(10, torch.ScalarType.Int16).reshape(2, 5);
        using var transposed = matrix.t();
        using var stream = new MemoryStream();

        SafetensorsWriter.WriteData(stream, transposed, chunkBytes: 3);

        var expected = new short[] { 0, 5, 1, 6, 2, 7, 3, 8, 4, 9 }.SelectMany(BitConverter.GetBytes);
        stream.ToArray().Should().Equal(expected);
    }

    [Fact]
    public void Reading_a_scalar_and_an_empty_tensor_needs_no_chunk_arithmetic()
    {
        var reads = 0;
        var empty = new TensorInfo("e", SafetensorsDtype.BF16, [0, 7], "memory", 0, 0);

        using var tensor = TensorFromBytes.Create(empty, (_, _) => reads++, chunkBytes: 1);

        tensor.shape.Should().Equal(0, 7);
        tensor.dtype.Should().Be(torch.ScalarType.BFloat16);
        reads.Should().Be(0);
        ImmutableArray<long> scalarShape = [];
        using var scalar = TensorFromBytes.Create(new TensorInfo("s", SafetensorsDtype.I8, scalarShape, "memory", 0, 1), (span, _) => span[0] = 0xFE, chunkBytes: 1);
        scalar.item<sbyte>().Should().Be(-2);
    }
}
