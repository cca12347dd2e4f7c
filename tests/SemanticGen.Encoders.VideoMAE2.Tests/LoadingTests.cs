using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>Weights and config resolution: clear errors for bad checkpoints, dtype conversion, the settings' forms.</summary>
public sealed class LoadingTests
{
    [Fact]
    public void A_missing_tensor_is_named()
    {
        using var folder = new TempFolder();
        var sd = Fixture.StateDict();
        sd.Remove("encoder.layer.1.output.dense.bias");
        SafetensorsWriter.Write(folder.File("model.safetensors"), sd);
        var act = () => Fixture.CreateEncoder(folder.File("model.safetensors"));
        act.Should().Throw<WeightLoadException>().WithMessage("*missing*encoder.layer.1.output.dense.bias*");
    }

    [Fact]
    public void A_wrong_shape_names_the_key_the_expected_and_the_found_shape()
    {
        using var folder = new TempFolder();
        var sd = Fixture.StateDict();
        sd["encoder.layer.0.intermediate.dense.weight"] = zeros(127, 64);
        SafetensorsWriter.Write(folder.File("model.safetensors"), sd);
        var act = () => Fixture.CreateEncoder(folder.File("model.safetensors"));
        act.Should().Throw<WeightLoadException>().WithMessage("*encoder.layer.0.intermediate.dense.weight*expected [128, 64], found [127, 64]*");
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_named()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("model.safetensors", "PK\u0003\u0004 this is a zip, not safetensors"u8.ToArray());
        var act = () => Fixture.CreateEncoder(path);
        act.Should().Throw<SafetensorsFormatException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Bfloat16_weights_load_into_a_float32_model()
    {
        using var folder = new TempFolder();
        var bf16 = Fixture.StateDict().ToDictionary(e => e.Key, e => e.Value.to(ScalarType.BFloat16));
        SafetensorsWriter.Write(folder.File("model.safetensors"), bf16);
        using var model = new VideoMAEModel(Fixture.Config);

        var report = VideoMAECheckpoint.Load(model, folder.File("model.safetensors"));

        report.IsExactMatch.Should().BeTrue();
        report.Conversions.Should().HaveCount(bf16.Count).And.OnlyContain(c => c.Loaded == ScalarType.Float32);
        var weight = model.named_parameters().Single(p => p.name == "encoder.layer.1.intermediate.dense.weight").parameter;
        weight.dtype.Should().Be(ScalarType.Float32);
        Fixture.MaxAbs(weight, bf16["encoder.layer.1.intermediate.dense.weight"].to(ScalarType.Float32)).Should().Be(0);
        using var encoder = new VideoMAE2Encoder(model, CPU, ScalarType.Float32);
        using var features = encoder.Encode(Fixture.Pixels(encoder, Fixture.Io("pixel_values")));
        using var recorded = Fixture.Io("last_hidden_state");
        Fixture.MaxAbs(features.Tokens, recorded).Should().BeInRange(1e-6, 0.1, "bf16 rounding of the weights, nothing worse");
    }

    [Fact]
    public void A_bfloat16_encoder_runs_in_bfloat16_close_to_float32()
    {
        using var encoder = (VideoMAE2Encoder)new VideoMAE2EncoderFactory().Create(
            new SemanticEncoderSettings("videomae2", Weights: Fixture.Weights, Dtype: "bfloat16"));
        using var frames = Fixture.Io("frames_uint8").unsqueeze(0);
        using var features = encoder.Encode(new VideoFrames(frames, 1.6));
        using var recorded = Fixture.Io("last_hidden_state");
        features.Tokens.dtype.Should().Be(ScalarType.BFloat16);
        Fixture.MaxAbs(features.Tokens, recorded).Should().BeLessThan(0.25);
    }

    [Fact]
    public void Weights_as_a_folder_take_config_json_from_it_and_a_task_checkpoint_prefix_is_stripped()
    {
        using var folder = new TempFolder();
        File.Copy(Fixture.ConfigPath, folder.File("config.json"));
        var prefixed = Fixture.StateDict().ToDictionary(e => "videomae." + e.Key, e => e.Value);
        prefixed["decoder.head.weight"] = zeros(4, 4);   // a pre-training checkpoint's decoder: skipped, not an error
        SafetensorsWriter.Write(folder.File("model.safetensors"), prefixed);

        using var encoder = new VideoMAE2EncoderFactory().Create(new SemanticEncoderSettings("videomae2", Weights: folder.Path));
        using var features = encoder.Encode(new VideoFrames(Fixture.Io("frames_uint8").unsqueeze(0), 1.6));
        using var recorded = Fixture.Io("last_hidden_state");
        Fixture.MaxAbs(features.Tokens, recorded).Should().BeLessThanOrEqualTo(1e-4);
        encoder.Info.FeatureDim.Should().Be(64);
        encoder.Info.Input.Should().Be(new EncoderInputRules(2, 16, 64, 64, 4));
    }

    [Fact]
    public void A_sharded_checkpoint_in_the_original_layout_loads_through_its_index()
    {
        using var folder = new TempFolder();
        File.Copy(Fixture.ConfigPath, folder.File("config.json"));
        var original = CheckpointLayoutTests.ToOriginal(Fixture.StateDict(), "encoder.");
        var shards = original.GroupBy(e => e.Key.Contains("blocks.1.", StringComparison.Ordinal) ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        foreach (var shard in shards)
        {
            SafetensorsWriter.Write(folder.File(shard.Key), shard.Select(e => (e.Key, e.Value)));
        }
        var weightMap = string.Join(", ", shards.SelectMany(s => s.Select(e => $"\"{e.Key}\": \"{s.Key}\"")));
        File.WriteAllText(folder.File("model.safetensors.index.json"), $"{{\"metadata\": {{}}, \"weight_map\": {{{weightMap}}}}}");

        using var encoder = new VideoMAE2EncoderFactory().Create(new SemanticEncoderSettings("videomae2", Weights: folder.File("model.safetensors.index.json")));
        using var features = encoder.Encode(new VideoFrames(Fixture.Io("frames_uint8").unsqueeze(0), 1.6));
        using var recorded = Fixture.Io("last_hidden_state");
        Fixture.MaxAbs(features.Tokens, recorded).Should().BeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Without_weights_a_preset_or_config_builds_a_random_model_and_nothing_at_all_is_a_clear_error()
    {
        var factory = new VideoMAE2EncoderFactory();
        VideoMAE2EncoderFactory.ResolveConfig(new SemanticEncoderSettings("videomae2", Preset: "Giant")).Should().Be(VideoMAEPresets.Giant);
        using (var random = factory.Create(new SemanticEncoderSettings("videomae2", Config: Fixture.ConfigPath)))
        {
            random.Info.FeatureDim.Should().Be(64);
        }
        factory.Invoking(f => f.Create(new SemanticEncoderSettings("videomae2")))
            .Should().Throw<ArgumentException>().WithMessage("*config*Preset*base, large, giant*");
        factory.Invoking(f => f.Create(new SemanticEncoderSettings("videomae2", Preset: "huge")))
            .Should().Throw<ArgumentException>().WithMessage("*'huge'*base, large, giant*");
        factory.Invoking(f => f.Create(new SemanticEncoderSettings("videomae2", Config: Fixture.ConfigPath, Dtype: "int8")))
            .Should().Throw<ArgumentException>().WithMessage("*'int8'*");
    }

    [Fact]
    public void A_config_that_breaks_a_rule_is_named()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("config.json", """{ "hidden_size": 64, "num_attention_heads": 5 }"""u8.ToArray());
        var act = () => VideoMAEConfig.FromFile(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*hidden_size 64*num_attention_heads 5*");
        var fixture = Fixture.Config;
        fixture.Should().Be(new VideoMAEConfig
        {
            HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 128, ImageSize = 64, NumFrames = 4,
            UseMeanPooling = true, LayerNormEps = 1e-12,
        });
    }
}
