using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>Checkpoints that fit, and ones that do not.</summary>
public sealed class LoadingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The fixture's tensors, optionally changed, written to a new file.</summary>
    private string WriteCheckpoint(Func<string, Tensor, Tensor?> change)
    {
        using var source = TensorSource.Open(Fixture.Weights);
        var tensors = new List<(string, Tensor)>();
        foreach (var key in source.Keys)
        {
            var changed = change(key, source.ReadTensor(key));
            if (changed is not null)
                tensors.Add((key, changed));
        }
        var path = _folder.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors);
        tensors.ForEach(t => t.Item2.Dispose());
        return path;
    }

    [Fact]
    public void The_fixture_loads_every_encoder_entry_and_reports_the_predictor_as_skipped()
    {
        using var model = new VJepa2Model(Fixture.Config);

        var report = VJepa2Weights.Load(model, Fixture.Weights);

        report.IsExactMatch.Should().BeTrue();
        report.Loaded.Should().HaveCount(model.named_parameters().Count()).And.HaveCount(2 + 2 + 2 * 16);
        report.Loaded.Should().Contain("encoder.layer.1.attention.query.weight");
        report.Skipped.Should().NotBeEmpty().And.OnlyContain(key => key.StartsWith("predictor.", StringComparison.Ordinal));
        report.Skipped.Should().Contain("predictor.embeddings.mask_tokens");
    }

    [Fact]
    public void A_missing_key_is_named_in_full()
    {
        var path = WriteCheckpoint((key, t) => key == "encoder.layer.1.mlp.fc2.bias" ? null : t);
        using var model = new VJepa2Model(Fixture.Config);

        var load = () => VJepa2Weights.Load(model, path);

        load.Should().Throw<WeightLoadException>()
            .Which.Missing.Should().Equal("encoder.layer.1.mlp.fc2.bias");
        load.Should().Throw<WeightLoadException>().WithMessage("*missing from the checkpoint: encoder.layer.1.mlp.fc2.bias*");
    }

    [Fact]
    public void A_wrong_shape_is_named_with_expected_and_found()
    {
        var path = WriteCheckpoint((key, t) =>
        {
            if (key != "encoder.layer.0.attention.query.weight")
                return t;
            t.Dispose();
            return zeros([64, 65]);
        });
        using var model = new VJepa2Model(Fixture.Config);

        var load = () => VJepa2Weights.Load(model, path);

        load.Should().Throw<WeightLoadException>()
            .WithMessage("*encoder.layer.0.attention.query.weight*expected [64, 64], found [64, 65]*");
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_named()
    {
        var path = _folder.WriteBytes("model.safetensors", "this is not a checkpoint, just some text"u8.ToArray());
        using var model = new VJepa2Model(Fixture.Config);

        var load = () => VJepa2Weights.Load(model, path);

        load.Should().Throw<SafetensorsFormatException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void A_checkpoint_without_encoder_keys_is_explained()
    {
        using var weight = zeros([4]);
        var path = _folder.File("original.safetensors");
        SafetensorsWriter.Write(path, [("module.backbone.blocks.0.attn.qkv.bias", weight)]);
        using var model = new VJepa2Model(Fixture.Config);

        var load = () => VJepa2Weights.Load(model, path);

        load.Should().Throw<InvalidDataException>().WithMessage("*no tensor named 'encoder.*'*module.backbone.blocks.0.attn.qkv.bias*");
    }

    [Fact]
    public void A_classifier_checkpoint_loads_its_encoder_and_skips_the_head()
    {
        var path = WriteCheckpoint((key, t) => t);
        using (var source = TensorSource.Open(path))
        {
            var renamed = source.Keys.Where(k => !k.StartsWith("predictor.", StringComparison.Ordinal)).Select(k => ("vjepa2." + k, source.ReadTensor(k))).ToList();
            using var head = zeros([5, 64]);
            SafetensorsWriter.Write(_folder.File("classifier.safetensors"), [.. renamed, ("classifier.weight", head)]);
            renamed.ForEach(t => t.Item2.Dispose());
        }
        using var model = new VJepa2Model(Fixture.Config);

        var report = VJepa2Weights.Load(model, _folder.File("classifier.safetensors"));

        report.IsExactMatch.Should().BeTrue();
        report.Skipped.Should().Equal("classifier.weight");
    }

    [Fact]
    public void A_bfloat16_checkpoint_loads_into_float32_and_matches_the_rounded_weights()
    {
        var bf16Path = WriteCheckpoint((key, t) => { var half = t.to(ScalarType.BFloat16); t.Dispose(); return half; });
        var roundedPath = _folder.File("rounded.safetensors");
        using (var source = TensorSource.Open(bf16Path))
        {
            var rounded = source.Keys.Select(k => (k, source.ReadTensor(k, ScalarType.Float32))).ToList();
            SafetensorsWriter.Write(roundedPath, rounded);
            rounded.ForEach(t => t.Item2.Dispose());
        }
        using var fromBf16 = new VJepa2Model(Fixture.Config);
        using var fromRounded = new VJepa2Model(Fixture.Config);
        using var pixels = Fixture.Read("pixel_values_videos");
        using var recorded = Fixture.Read("last_hidden_state");

        var report = VJepa2Weights.Load(fromBf16, bf16Path);
        VJepa2Weights.Load(fromRounded, roundedPath);
        using var tokens = fromBf16.forward(pixels);
        using var expected = fromRounded.forward(pixels);

        report.Conversions.Should().HaveCount(report.Loaded.Count).And.OnlyContain(c => c.Stored == SafetensorsDtype.BF16 && c.Loaded == ScalarType.Float32);
        fromBf16.named_parameters().Should().OnlyContain(p => p.parameter.dtype == ScalarType.Float32);
        Fixture.MaxAbs(tokens, expected).Should().Be(0);
        Fixture.MaxAbs(tokens, recorded).Should().BeLessThan(0.1, "bf16-rounded weights stay close to the recorded pass");
    }
}
