using SemanticGen.Weights.Tests.TestSupport;

namespace SemanticGen.Weights.Tests;

/// <summary>One hand-made file per format rule: each must fail with that rule, naming the file and the tensor.</summary>
public sealed class ValidationTests
{
    private sealed record Case(byte[] Bytes, string Rule, string? Tensor);

    private const string W4 = """{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""";
    private static readonly byte[] Four = [1, 2, 3, 4];

    private static Case Make(string header, byte[] data, string rule, string? tensor) => new(RawFile.Build(header, data), rule, tensor);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["file shorter than the length prefix"] = new([1, 0, 0], FormatRules.FileTooSmall, null),
        ["header length over 100,000,000"] = new(RawFile.Build("{}", declaredLength: 100_000_001), FormatRules.HeaderTooLarge, null),
        ["header length of 2^64-1"] = new(RawFile.Build("{}", declaredLength: ulong.MaxValue), FormatRules.HeaderTooLarge, null),
        ["header length past the end of the file"] = new(RawFile.Build("{}", declaredLength: 3), FormatRules.HeaderLengthExceedsFile, null),
        ["invalid UTF-8 in the header"] = new(RawFile.BuildFromHeaderBytes([.. "{\"w"u8.ToArray(), 0xFF, .. "\":1}"u8.ToArray()]), FormatRules.InvalidUtf8, null),
        ["truncated JSON"] = Make("""{"w":{"dtype":"F32""", [], FormatRules.InvalidJson, null),
        ["trailing comma"] = Make("""{"w":""" + W4 + ",}", Four, FormatRules.InvalidJson, null),
        ["content after the object"] = Make("{} {}", [], FormatRules.InvalidJson, null),
        ["byte-order mark"] = new(RawFile.BuildFromHeaderBytes([0xEF, 0xBB, 0xBF, .. "{}"u8.ToArray()]), FormatRules.InvalidJson, null),
        ["lone surrogate escape in a name"] = Make("""{"\ud800":""" + W4 + "}", Four, FormatRules.InvalidJson, null),
        ["NUL padding"] = Make("{}\0\0\0\0\0\0", [], FormatRules.InvalidJson, null),
        ["root is an array"] = Make("[1, 2]", [], FormatRules.HeaderNotObject, null),
        ["tensor named twice"] = Make("""{"w":""" + W4 + ""","w":""" + W4 + "}", Four, FormatRules.DuplicateKey, "w"),
        ["tensor named twice through an escape"] = Make("""{"w":""" + W4 + ""","\u0077":""" + W4 + "}", Four, FormatRules.DuplicateKey, "w"),
        ["field named twice"] = Make("""{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Four, FormatRules.DuplicateKey, "w"),
        ["metadata key named twice"] = Make("""{"__metadata__":{"a":"1","a":"2"}}""", [], FormatRules.DuplicateKey, null),
        ["metadata value not a string"] = Make("""{"__metadata__":{"a":1}}""", [], FormatRules.InvalidMetadata, null),
        ["metadata not an object"] = Make("""{"__metadata__":"x"}""", [], FormatRules.InvalidMetadata, null),
        ["entry not an object"] = Make("""{"w":5}""", [], FormatRules.InvalidTensorEntry, "w"),
        ["dtype not a string"] = Make("""{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}""", Four, FormatRules.InvalidTensorEntry, "w"),
        ["data_offsets missing"] = Make("""{"w":{"dtype":"F32","shape":[1]}}""", Four, FormatRules.MissingField, "w"),
        ["unknown dtype"] = Make("""{"w":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}""", Four, FormatRules.UnknownDtype, "w"),
        ["dtype in the wrong case"] = Make("""{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", Four, FormatRules.UnknownDtype, "w"),
        ["negative dimension"] = Make("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", Four, FormatRules.InvalidShape, "w"),
        ["fractional dimension"] = Make("""{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}""", Four, FormatRules.InvalidShape, "w"),
        ["dimension as a string"] = Make("""{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", Four, FormatRules.InvalidShape, "w"),
        ["dimension over 2^64"] = Make("""{"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}}""", Four, FormatRules.InvalidShape, "w"),
        ["one offset"] = Make("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}}""", Four, FormatRules.InvalidOffsets, "w"),
        ["negative offset"] = Make("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[-1,3]}}""", Four, FormatRules.InvalidOffsets, "w"),
        ["end before start"] = Make("""{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}""", Four, FormatRules.OffsetReversed, "w"),
        ["first tensor not at offset 0"] = Make("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", [.. Four, .. Four], FormatRules.OffsetGap, "w"),
        ["gap between tensors"] = Make("""{"a":""" + W4 + ""","b":{"dtype":"U8","shape":[1],"data_offsets":[5,6]}}""", [.. Four, 0, 0], FormatRules.OffsetGap, "b"),
        ["overlapping tensors"] = Make("""{"a":""" + W4 + ""","b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}}""", [.. Four, 0], FormatRules.OffsetOverlap, "b"),
        ["tensor past the data section"] = Make("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", Four, FormatRules.OffsetOutOfBounds, "w"),
        ["bytes after the last tensor"] = Make("""{"w":""" + W4 + "}", [.. Four, 0], FormatRules.TrailingData, null),
        ["data but no tensors"] = Make("{}", Four, FormatRules.TrailingData, null),
        ["span shorter than the shape needs"] = Make("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", Four, FormatRules.SizeMismatch, "w"),
        ["span longer than the shape needs"] = Make("""{"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,4]}}""", Four, FormatRules.SizeMismatch, "w"),
        ["sub-byte dtype not filling bytes"] = Make("""{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}""", [0, 0], FormatRules.MisalignedSize, "w"),
        ["shape [2^62, 4]"] = Make("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", Four, FormatRules.ArithmeticOverflow, "w"),
        ["bit count overflows though the element count fits"] = Make("""{"w":{"dtype":"U8","shape":[4611686018427387904],"data_offsets":[0,4]}}""", Four, FormatRules.ArithmeticOverflow, "w"),
        ["dimension over long.MaxValue next to a zero"] = Make("""{"w":{"dtype":"U8","shape":[0,9223372036854775808],"data_offsets":[0,0]}}""", [], FormatRules.ArithmeticOverflow, "w"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_file_breaking_a_rule_fails_with_that_rule_naming_file_and_tensor(string caseName)
    {
        var @case = Cases[caseName];
        using var folder = new TempFolder();
        var path = folder.WriteBytes("bad.safetensors", @case.Bytes);

        var thrown = FluentActions.Invoking(() => SafetensorsFile.Open(path).Dispose())
            .Should().ThrowExactly<SafetensorsFormatException>().Which;

        thrown.Rule.Should().Be(@case.Rule);
        thrown.File.Should().Be(path);
        thrown.Tensor.Should().Be(@case.Tensor);
        thrown.Message.Should().Contain(path).And.Contain($"[{@case.Rule}]");
        if (@case.Tensor is not null)
        {
            thrown.Message.Should().Contain($"'{@case.Tensor}'");
        }
    }

    [Fact]
    public void Every_rule_of_the_file_format_has_a_case()
    {
        var fileRules = typeof(FormatRules).GetFields()
            .Select(f => (string)f.GetValue(null)!)
            .Where(r => !r.StartsWith("index-", StringComparison.Ordinal) && r is not FormatRules.InvalidIndex and not FormatRules.UnexpectedEndOfFile);

        Cases.Values.Select(c => c.Rule).Distinct().Should().BeEquivalentTo(fileRules);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{}      ")]
    [InlineData(" \t\r\n{} ")]
    [InlineData("""{"__metadata__":null}""")]
    [InlineData("""{"__metadata__":{}}""")]
    public void Valid_edge_headers_open(string header)
    {
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("ok.safetensors", RawFile.Build(header)));

        file.Keys.Should().BeEmpty();
        file.Metadata.Should().BeEmpty();
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_zero_size_tensors_may_share_an_offset_as_in_the_reference()
    {
        const string header = """{"z1":{"dtype":"F32","shape":[0],"data_offsets":[4,4],"extra":{"x":[1,2]}},"w":""" + W4 + ""","z0":{"dtype":"I64","shape":[3,0],"data_offsets":[0,0]}}""";
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("ok.safetensors", RawFile.Build(header, Four)));

        file.Keys.Should().Equal("z0", "w", "z1");
        file.ReadBytes("w").Should().Equal(Four);
    }

    [Fact]
    public void Dtypes_without_a_torch_type_validate_and_read_as_raw_bytes()
    {
        const string header = """{"u":{"dtype":"U16","shape":[2],"data_offsets":[0,4]},"f4":{"dtype":"F4","shape":[2],"data_offsets":[4,5]}}""";
        using var folder = new TempFolder();
        using var file = SafetensorsFile.Open(folder.WriteBytes("u.safetensors", RawFile.Build(header, [1, 2, 3, 4, 5])));

        file.ReadBytes("u").Should().Equal(1, 2, 3, 4);
        file.ReadBytes("f4").Should().Equal(5);
        FluentActions.Invoking(() => file.ReadTensor("u")).Should().Throw<NotSupportedException>().WithMessage("*U16*");
    }

    [Fact]
    public void A_file_truncated_after_opening_fails_with_a_format_error_when_read()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("t.safetensors", RawFile.Build("""{"w":""" + W4 + "}", Four));
        using var file = SafetensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(stream.Length - 2);
        }

        FluentActions.Invoking(() => file.ReadTensor("w")).Should().ThrowExactly<SafetensorsFormatException>()
            .Which.Rule.Should().Be(FormatRules.UnexpectedEndOfFile);
    }

    [Fact]
    public void Reading_an_unknown_key_names_the_key_and_the_file()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("k.safetensors", RawFile.Build("""{"w":""" + W4 + "}", Four));
        using var file = SafetensorsFile.Open(path);

        FluentActions.Invoking(() => file.ReadTensor("nope")).Should().Throw<KeyNotFoundException>()
            .Which.Message.Should().Contain("nope").And.Contain(path);
    }
}
