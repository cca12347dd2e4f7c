using SemanticGen.Models.TextEncoder;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

public sealed class Umt5WeightsTests
{
    private static Dictionary<string, Tensor> FixtureTensors()
    {
        using var source = TensorSource.Open(Umt5Fixture.Folder);
        return source.Keys.ToDictionary(k => k, k => source.ReadTensor(k));
    }

    [Fact]
    public void Fixture_loads_strictly_and_completely()
    {
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        using var source = TensorSource.Open(Umt5Fixture.Folder);

        var report = Umt5Weights.Load(model, source);

        report.IsExactMatch.Should().BeTrue();
        report.Loaded.Should().HaveCount(22).And.Contain(Umt5Weights.SharedKey);
        report.Conversions.Should().BeEmpty();
        using var stored = source.ReadTensor(Umt5Weights.SharedKey);
        Umt5Fixture.MaxAbs(model.get_parameter(Umt5Weights.SharedKey)!, stored).Should().Be(0f);
    }

    [Theory]
    [InlineData(Umt5Weights.SharedKey)]
    [InlineData(Umt5Weights.TiedKey)]
    public void Either_embedding_key_alone_is_enough(string keptKey)
    {
        using var folder = new TempFolder();
        var tensors = FixtureTensors();
        var dropped = keptKey == Umt5Weights.SharedKey ? Umt5Weights.TiedKey : Umt5Weights.SharedKey;
        var path = folder.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors.Where(kv => kv.Key != dropped));
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        using var source = TensorSource.Open(path);

        var report = Umt5Weights.Load(model, source);

        report.IsExactMatch.Should().BeTrue();
        report.Loaded.Should().Contain(Umt5Weights.SharedKey);
        Umt5Fixture.MaxAbs(model.get_parameter(Umt5Weights.SharedKey)!, tensors[keptKey]).Should().Be(0f);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_keys_fail_before_copying()
    {
        using var folder = new TempFolder();
        var tensors = FixtureTensors();
        var missing = tensors.Where(kv => !kv.Key.EndsWith("final_layer_norm.weight", StringComparison.Ordinal)).ToList();
        missing.Add(new("encoder.block.9.extra.weight", zeros(3)));
        SafetensorsWriter.Write(folder.File("a.safetensors"), missing);
        var misshapen = tensors.ToDictionary(kv => kv.Key, kv => kv.Key == Umt5Weights.TiedKey ? zeros(127, 32) : kv.Value);
        SafetensorsWriter.Write(folder.File("b.safetensors"), misshapen);
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        var before = model.get_parameter("encoder.block.0.layer.0.SelfAttention.q.weight")!.clone();

        using (var source = TensorSource.Open(folder.File("a.safetensors")))
        {
            var error = ((Action)(() => Umt5Weights.Load(model, source))).Should().Throw<WeightLoadException>().Which;
            error.Missing.Should().Equal("encoder.final_layer_norm.weight");
            error.Unexpected.Should().Equal("encoder.block.9.extra.weight");
        }
        using (var source = TensorSource.Open(folder.File("b.safetensors")))
        {
            var error = ((Action)(() => Umt5Weights.Load(model, source))).Should().Throw<WeightLoadException>().Which;
            error.Mismatches.Should().ContainSingle().Which.Key.Should().Be(Umt5Weights.TiedKey);
        }
        Umt5Fixture.MaxAbs(model.get_parameter("encoder.block.0.layer.0.SelfAttention.q.weight")!, before).Should().Be(0f, "nothing was copied");
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Bfloat16_checkpoint_loads_into_float32()
    {
        using var folder = new TempFolder();
        var tensors = FixtureTensors();
        SafetensorsWriter.Write(folder.File("model.safetensors"), tensors.Select(kv => (kv.Key, kv.Value.to(ScalarType.BFloat16))));
        File.Copy(Path.Combine(Umt5Fixture.Folder, "config.json"), folder.File("config.json"));
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        using var source = TensorSource.Open(folder.File("model.safetensors"));

        var report = Umt5Weights.Load(model, source);

        report.Conversions.Should().HaveCount(22).And.OnlyContain(c => c.Stored == SafetensorsDtype.BF16 && c.Loaded == ScalarType.Float32);
        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        var (ids, mask, expected) = Umt5Fixture.Io();
        using var _ = no_grad();
        var error = Umt5Fixture.MaxAbs(model.forward(ids, mask), expected);
        error.Should().BeGreaterThan(0f).And.BeLessThan(0.1f);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Config_is_read_from_the_fixture()
    {
        var config = Umt5Fixture.Config;

        config.Should().Be(new Umt5Config
        {
            VocabSize = 128, DModel = 32, DKv = 8, DFf = 64, NumLayers = 2, NumHeads = 4,
            RelativeAttentionNumBuckets = 8, RelativeAttentionMaxDistance = 16, LayerNormEpsilon = 1e-6,
        });
    }

    [Fact]
    public void Other_model_types_are_rejected()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("config.json", System.Text.Encoding.UTF8.GetBytes("{\"model_type\": \"t5\"}"));

        ((Action)(() => Umt5Config.FromJson(path))).Should().Throw<InvalidDataException>();
    }
}
