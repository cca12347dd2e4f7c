using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Fixtures read and written back through the writer.</summary>
public sealed class RoundTripTests
{
    [Theory]
    [MemberData(nameof(Fixtures.AllSafetensorsData), MemberType = typeof(Fixtures))]
    public void Rewriting_a_fixture_in_sorted_order_reproduces_the_reference_writer_byte_for_byte(string fixture)
    {
        using var folder = new TempFolder();
        var copy = folder.File("copy.safetensors");
        using (var file = SafetensorsFile.Open(Fixtures.PathOf(fixture)))
        {
            WriteAll(file, copy, TensorOrder.Sorted);
        }

        File.ReadAllBytes(copy).Should().Equal(File.ReadAllBytes(Fixtures.PathOf(fixture)));
    }

    [Theory]
    [MemberData(nameof(Fixtures.AllSafetensorsData), MemberType = typeof(Fixtures))]
    public void Round_trip_in_given_order_with_metadata_keeps_every_tensor_and_the_metadata(string fixture)
    {
        using var folder = new TempFolder();
        var copy = folder.File("copy.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["source"] = fixture, ["note"] = "ünïcode \"quoted\"" };
        using var original = SafetensorsFile.Open(Fixtures.PathOf(fixture));
        var reversed = original.Keys.Reverse().ToList();
        WriteAll(original, copy, TensorOrder.AsGiven, metadata, reversed);

        using var reread = SafetensorsFile.Open(copy);

        reread.Keys.Should().Equal(reversed);
        reread.Metadata.Should().Equal(metadata);
        foreach (var key in original.Keys)
        {
            reread.GetInfo(key).Dtype.Should().Be(original.GetInfo(key).Dtype);
            reread.GetInfo(key).Shape.Should().Equal(original.GetInfo(key).Shape);
            reread.ReadBytes(key).Should().Equal(original.ReadBytes(key), because: key);
        }
    }

    private static void WriteAll(SafetensorsFile source, string target, TensorOrder order,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<string>? keys = null)
    {
        var tensors = (keys ?? source.Keys).Select(k => (k, source.ReadTensor(k))).ToList();
        try
        {
            SafetensorsWriter.Write(target, tensors, metadata ?? source.Metadata, order);
        }
        finally
        {
            tensors.ForEach(t => t.Item2.Dispose());
        }
    }
}
