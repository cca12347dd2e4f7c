using System.Text.Json;
using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Every fixture written by the reference Python library, read and checked against independent sources.</summary>
public sealed class FixtureReadTests
{
    [Fact]
    public void All_thirteen_fixture_files_are_present()
    {
        Fixtures.AllSafetensors.Should().HaveCount(13).And.Contain("wan/flowmatch_step.safetensors");
    }

    [Theory]
    [MemberData(nameof(Fixtures.AllSafetensorsData), MemberType = typeof(Fixtures))]
    public void Every_tensor_matches_an_independent_parse_of_the_file(string fixture)
    {
        var path = Fixtures.PathOf(fixture);
        var fileBytes = File.ReadAllBytes(path);
        var headerLength = (int)BitConverter.ToUInt64(fileBytes, 0);
        using var header = JsonDocument.Parse(fileBytes.AsMemory(8, headerLength));
        var expected = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();

        using var file = SafetensorsFile.Open(path);

        file.Keys.Should().BeEquivalentTo(expected.Select(p => p.Name));
        file.HeaderLength.Should().Be(headerLength);
        foreach (var entry in expected)
        {
            var info = file.GetInfo(entry.Name);
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            info.Dtype.HeaderName().Should().Be(entry.Value.GetProperty("dtype").GetString());
            info.Shape.Should().Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            info.FileOffset.Should().Be(8 + headerLength + offsets[0]);

            using var tensor = file.ReadTensor(entry.Name);
            tensor.shape.Should().Equal(info.Shape);
            tensor.dtype.Should().Be(info.Dtype.ToTorch());
            TensorBytes.Of(tensor).Should().Equal(fileBytes[(8 + headerLength + offsets[0])..(8 + headerLength + offsets[1])],
                because: $"{entry.Name} must hold exactly its bytes from the file");
        }
    }

    [Theory]
    [InlineData("encoders/qwen2_5_vl_vision", 303504)]
    [InlineData("encoders/vjepa2", 178304)]
    [InlineData("encoders/videomae", 165312)]
    [InlineData("wan/wan_vae", 797271)]
    [InlineData("wan/wan_transformer", 85728)]
    public void Model_parameter_counts_match_the_reference_report(string folder, long parameters)
    {
        using var file = SafetensorsFile.Open(Fixtures.PathOf($"{folder}/model.safetensors"));

        file.Tensors.Sum(t => t.ElementCount).Should().Be(parameters);
        file.Tensors.Should().OnlyContain(t => t.Dtype == SafetensorsDtype.F32);
    }

    [Theory]
    [InlineData("qwen2_5_vl_vision")]
    [InlineData("vjepa2")]
    [InlineData("videomae")]
    public void Encoder_io_shapes_and_dtypes_match_the_reference_report(string encoder)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "encoders", "report.json")));
        using var file = SafetensorsFile.Open(Fixtures.PathOf($"encoders/{encoder}/io.safetensors"));
        var io = report.RootElement.GetProperty(encoder).GetProperty("io").EnumerateObject().ToList();

        file.Keys.Should().BeEquivalentTo(io.Select(p => p.Name));
        foreach (var tensor in io)
        {
            using var read = file.ReadTensor(tensor.Name);
            read.shape.Should().Equal(tensor.Value[0].EnumerateArray().Select(e => e.GetInt64()));
            ("torch." + TorchName(read.dtype)).Should().Be(tensor.Value[1].GetString());
        }
    }

    [Fact]
    public void Qwen_grid_thw_holds_the_documented_int64_values()
    {
        using var file = SafetensorsFile.Open(Fixtures.PathOf("encoders/qwen2_5_vl_vision/io.safetensors"));
        using var grid = file.ReadTensor("grid_thw");

        grid.dtype.Should().Be(torch.ScalarType.Int64);
        grid.data<long>().ToArray().Should().Equal(2, 8, 8);
    }

    [Fact]
    public void Flowmatch_step_values_satisfy_the_euler_update_of_the_recorded_sigmas()
    {
        // prev_sample = sample + (sigma[1] - sigma[0]) * model_output for shift 5, 10 steps: only true if every
        // float was decoded from the right bytes of the right tensor.
        using var sigmasJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "wan", "flowmatch_sigmas.json")));
        var schedule = sigmasJson.RootElement.EnumerateArray()
            .Single(s => s.GetProperty("shift").GetDouble() == 5.0 && s.GetProperty("steps").GetInt32() == 10);
        var sigmas = schedule.GetProperty("sigmas").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using var file = SafetensorsFile.Open(Fixtures.PathOf("wan/flowmatch_step.safetensors"));
        using var sample = file.ReadTensor("sample", torch.ScalarType.Float64);
        using var output = file.ReadTensor("model_output", torch.ScalarType.Float64);
        using var previous = file.ReadTensor("prev_sample", torch.ScalarType.Float64);

        using var predicted = sample + (sigmas[1] - sigmas[0]) * output;
        using var error = (predicted - previous).abs().max();

        error.item<double>().Should().BeLessThan(1e-6);
        using var magnitude = previous.abs().max();
        magnitude.item<double>().Should().BeGreaterThan(0.1, "the values must not be trivially zero");
    }

    private static string TorchName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Byte => "uint8",
        torch.ScalarType.Int64 => "int64",
        torch.ScalarType.Float32 => "float32",
        _ => dtype.ToString(),
    };
}
