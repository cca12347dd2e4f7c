using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Reading one tensor reads that tensor's bytes and nothing else.</summary>
public sealed class LazyReadTests
{
    [Fact]
    public void A_small_tensor_is_read_from_a_file_with_a_4_GiB_sparse_tensor_without_touching_it()
    {
        const long huge = 1L << 32;
        var header = $$$"""{"small":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"huge":{"dtype":"U8","shape":[{{{huge}}}],"data_offsets":[16,{{{16 + huge}}}]}}""";
        var bytes = RawFile.Build(header, RawFile.Floats(1, 2, 3, 4));
        using var folder = new TempFolder();
        var path = folder.WriteBytes("sparse.safetensors", bytes);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // Sparse on Linux and Windows file systems: the 4 GiB are never written, only declared.
            stream.SetLength(bytes.Length + huge);
        }
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        using var file = SafetensorsFile.Open(path);
        using var small = file.ReadTensor("small");

        small.data<float>().ToArray().Should().Equal(1, 2, 3, 4);
        file.GetInfo("huge").ByteLength.Should().Be(huge);
        file.BytesRead.Should().Be(8 + header.Length + 16);
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Opening_reads_only_the_header_and_each_read_adds_exactly_that_tensors_bytes()
    {
        using var file = SafetensorsFile.Open(Fixtures.PathOf("encoders/qwen2_5_vl_vision/model.safetensors"));
        var afterOpen = file.BytesRead;
        var someTensor = file.Tensors[file.Tensors.Count / 2];

        _ = file.GetInfo(someTensor.Name);
        file.BytesRead.Should().Be(afterOpen);
        using (file.ReadTensor(someTensor.Name, torch.ScalarType.Float64))
        {
        }

        afterOpen.Should().Be(8 + file.HeaderLength);
        file.BytesRead.Should().Be(afterOpen + someTensor.ByteLength);
        new FileInfo(file.Path).Length.Should().BeGreaterThan(afterOpen + 10 * someTensor.ByteLength, "the file must be much larger than what was read");
    }

    [Fact]
    public void A_disposed_file_refuses_reads()
    {
        var file = SafetensorsFile.Open(Fixtures.PathOf("wan/flowmatch_step.safetensors"));
        file.Dispose();

        FluentActions.Invoking(() => file.ReadTensor("sample")).Should().Throw<ObjectDisposedException>();
    }
}
