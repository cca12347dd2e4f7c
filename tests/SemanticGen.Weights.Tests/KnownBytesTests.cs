using System.Text;
using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Hand-made files whose every byte is known, read back value by value.</summary>
public sealed class KnownBytesTests
{
    internal static readonly RawTensor[] EveryDtype =
    [
        new("f64", "F64", "[2]", RawFile.Concat(BitConverter.GetBytes(0.1), BitConverter.GetBytes(-1e300))),
        new("f32", "F32", "[2]", RawFile.Floats(1.5f, -2.25f)),
        // f16: 1.0, -2.0, 65504 (largest finite), 2^-24 (smallest subnormal)
        new("f16", "F16", "[2,2]", RawFile.UInt16s(0x3C00, 0xC000, 0x7BFF, 0x0001)),
        // bf16: 1.0, -3.0, +inf, 1.5
        new("bf16", "BF16", "[4]", RawFile.UInt16s(0x3F80, 0xC040, 0x7F80, 0x3FC0)),
        new("i64", "I64", "[2]", RawFile.Concat(BitConverter.GetBytes(-1L), BitConverter.GetBytes(1L << 40))),
        new("i32", "I32", "[1]", BitConverter.GetBytes(-123456)),
        new("i16", "I16", "[1]", BitConverter.GetBytes((short)-300)),
        new("i8", "I8", "[2]", [0x80, 0x7F]),
        new("u8", "U8", "[2]", [0, 255]),
        // A stray 2 in bool storage must still read as plain true.
        new("bool", "BOOL", "[3]", [0, 1, 2]),
        new("scalar", "F32", "[]", RawFile.Floats(7f)),
        new("empty", "F32", "[0,3]", []),
    ];

    [Fact]
    public void Every_dtype_reads_with_its_torch_type_shape_and_values()
    {
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("all.safetensors", HandMadeFile.Of(EveryDtype)));

        Values<double>(file, "f64", torch.ScalarType.Float64).Should().Equal(0.1, -1e300);
        Values<float>(file, "f32", torch.ScalarType.Float32).Should().Equal(1.5f, -2.25f);
        Values<Half>(file, "f16", torch.ScalarType.Float16).Select(h => (float)h).Should().Equal(1f, -2f, 65504f, MathF.Pow(2, -24));
        Values<long>(file, "i64", torch.ScalarType.Int64).Should().Equal(-1L, 1L << 40);
        Values<int>(file, "i32", torch.ScalarType.Int32).Should().Equal(-123456);
        Values<short>(file, "i16", torch.ScalarType.Int16).Should().Equal(-300);
        Values<sbyte>(file, "i8", torch.ScalarType.Int8).Should().Equal(-128, 127);
        Values<byte>(file, "u8", torch.ScalarType.Byte).Should().Equal(0, 255);
        Values<bool>(file, "bool", torch.ScalarType.Bool).Should().Equal(false, true, true);
        Values<float>(file, "scalar", torch.ScalarType.Float32).Should().Equal(7f);

        using var f16 = file.ReadTensor("f16");
        f16.shape.Should().Equal(2, 2);
        using var scalar = file.ReadTensor("scalar");
        scalar.shape.Should().BeEmpty();
        using var empty = file.ReadTensor("empty");
        empty.shape.Should().Equal(0, 3);
        using var boolBytes = file.ReadTensor("bool");
        TensorBytes.Of(boolBytes).Should().Equal(0, 1, 1);
    }

    [Fact]
    public void Bfloat16_keeps_its_type_and_converts_exactly_to_float32()
    {
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("all.safetensors", HandMadeFile.Of(EveryDtype)));

        using var stored = file.ReadTensor("bf16");
        stored.dtype.Should().Be(torch.ScalarType.BFloat16);
        TensorBytes.Of(stored).Should().Equal(RawFile.UInt16s(0x3F80, 0xC040, 0x7F80, 0x3FC0));
        Values<float>(file, "bf16", torch.ScalarType.Float32).Should().Equal(1f, -3f, float.PositiveInfinity, 1.5f);
    }

    [Fact]
    public void Float16_converts_exactly_to_float32_including_extremes()
    {
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("all.safetensors", HandMadeFile.Of(EveryDtype)));

        using var converted = file.ReadTensor("f16", torch.ScalarType.Float32);

        converted.dtype.Should().Be(torch.ScalarType.Float32);
        converted.shape.Should().Equal(2, 2);
        converted.data<float>().ToArray().Should().Equal(1f, -2f, 65504f, 5.9604645e-8f);
    }

    [Fact]
    public void Metadata_is_read_in_header_order()
    {
        using var folder = new TempFolder();
        var bytes = HandMadeFile.Of("""{"format":"pt","z":"last?","a":"é\n\"x\""}""", new RawTensor("t", "U8", "[1]", [9]));
        using var file = SafetensorsFile.Open(folder.WriteBytes("m.safetensors", bytes));

        file.Metadata.Keys.Should().Equal("format", "z", "a");
        file.Metadata["a"].Should().Be("é\n\"x\"");
    }

    [Fact]
    public void Writer_output_matches_the_reference_serialization_of_a_known_tensor()
    {
        // The reference implementation's own unit-test vector: "attn.0" F32 [1,2,3] holding 0..5; the header is
        // exactly 64 bytes, so no padding.
        const string header = """{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}""";
        var expected = RawFile.Build(header, RawFile.Floats(0, 1, 2, 3, 4, 5));
        using var folder = new TempFolder();
        using var tensor = torch.arange(6, torch.ScalarType.Float32).reshape(1, 2, 3);

        SafetensorsWriter.Write(folder.File("w.safetensors"), [("attn.0", tensor)]);

        File.ReadAllBytes(folder.File("w.safetensors")).Should().Equal(expected);
        expected[..8].Should().Equal(64, 0, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Writer_pads_the_header_with_spaces_to_a_multiple_of_eight()
    {
        // "attn0" [1,1,2,3] gives 65 bytes of JSON: padded with 7 spaces to 72.
        const string json = """{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}""";
        using var folder = new TempFolder();
        using var tensor = torch.arange(6, torch.ScalarType.Float32).reshape(1, 1, 2, 3);

        SafetensorsWriter.Write(folder.File("w.safetensors"), [("attn0", tensor)]);

        var bytes = File.ReadAllBytes(folder.File("w.safetensors"));
        bytes.Should().Equal(RawFile.Build(json + new string(' ', 7), RawFile.Floats(0, 1, 2, 3, 4, 5)));
        BitConverter.ToUInt64(bytes, 0).Should().Be(72);
    }

    [Fact]
    public void Writer_output_for_metadata_only_matches_the_reference()
    {
        using var folder = new TempFolder();

        SafetensorsWriter.Write(folder.File("m.safetensors"), Array.Empty<(string, torch.Tensor)>(), new Dictionary<string, string> { ["framework"] = "pt" });

        var bytes = File.ReadAllBytes(folder.File("m.safetensors"));
        bytes.Should().Equal(RawFile.Build("""{"__metadata__":{"framework":"pt"}}""" + "     "));
        Encoding.UTF8.GetString(bytes, 8, bytes.Length - 8).Should().EndWith("}}     ");
    }

    private static T[] Values<T>(SafetensorsFile file, string key, torch.ScalarType expectedType) where T : unmanaged
    {
        using var tensor = file.ReadTensor(key, expectedType == torch.ScalarType.Float32 && file.GetInfo(key).Dtype != SafetensorsDtype.F32 ? expectedType : null);
        tensor.dtype.Should().Be(expectedType);
        return tensor.data<T>().ToArray();
    }
}
