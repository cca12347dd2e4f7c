using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Loading checkpoints into TorchSharp modules by name.</summary>
public sealed class ModuleWeightLoaderTests : IDisposable
{
    private const string LanguageShard = "model-00001-of-00002.safetensors";
    private const string VisionShard = "model-00002-of-00002.safetensors";
    private static readonly WeightLoadOptions VisualOnly = new() { StripPrefixes = ["model.visual."] };

    private readonly TempFolder _folder = new();
    private readonly List<torch.Tensor> _owned = [];

    public void Dispose()
    {
        _owned.ForEach(t => t.Dispose());
        _folder.Dispose();
    }

    private torch.Tensor Own(torch.Tensor tensor)
    {
        _owned.Add(tensor);
        return tensor;
    }

    /// <summary>Distinct values per entry, as bfloat16 (the scale buffer as float32).</summary>
    private Dictionary<string, torch.Tensor> StoredTowerValues(Func<string, bool>? keep = null)
    {
        var values = new Dictionary<string, torch.Tensor>();
        var seed = 1;
        foreach (var (name, shape) in TinyTower.Shapes.Where(e => keep?.Invoke(e.Key) ?? true))
        {
            var count = shape.Aggregate(1L, (a, b) => a * b);
            using var linear = torch.linspace(-1.1 * seed, 0.7 * seed, count, torch.ScalarType.Float32).reshape(shape);
            values[name] = Own(name == "scale" ? linear.clone() : linear.to(torch.ScalarType.BFloat16));
            seed++;
        }
        return values;
    }

    /// <summary>A whole-VLM style checkpoint: language model tensors in both shards, the tower split across them.</summary>
    private string WriteVlmCheckpoint(Dictionary<string, torch.Tensor> tower, params (string Key, torch.Tensor Tensor)[] extraVision)
    {
        using var embed = torch.ones(64, 32);
        using var head = torch.ones(64, 32);
        var visual = tower.Select(e => ("model.visual." + e.Key, e.Value)).Concat(extraVision).ToList();
        return ShardedFiles.Write(_folder.Path,
            (LanguageShard, [("model.language_model.embed_tokens.weight", embed), .. visual.Take(2)]),
            (VisionShard, [.. visual.Skip(2), ("lm_head.weight", head)]));
    }

    [Fact]
    public void The_visual_tower_loads_out_of_a_sharded_vlm_checkpoint_reading_only_its_own_bytes()
    {
        var stored = StoredTowerValues();
        var indexPath = WriteVlmCheckpoint(stored);
        using var tower = new TinyTower();
        var weightObject = tower.named_parameters().First().parameter;
        using var checkpoint = ShardedCheckpoint.Open(indexPath);

        var report = ModuleWeightLoader.Load(tower, checkpoint, VisualOnly);

        report.Loaded.Should().BeEquivalentTo(TinyTower.Shapes.Keys);
        report.Missing.Should().BeEmpty();
        report.Unexpected.Should().BeEmpty();
        report.Skipped.Should().BeEquivalentTo("model.language_model.embed_tokens.weight", "lm_head.weight");
        report.Conversions.Should().HaveCount(6).And.OnlyContain(c => c.Stored == SafetensorsDtype.BF16 && c.Loaded == torch.ScalarType.Float32);
        report.Conversions.Select(c => c.Name).Should().NotContain("scale");
        var snapshot = tower.Snapshot();
        foreach (var (name, value) in stored)
        {
            using var expected = value.to(torch.ScalarType.Float32);
            snapshot[name].Should().Equal(expected.data<float>().ToArray(), because: name);
        }
        tower.named_parameters().First().parameter.Should().BeSameAs(weightObject);
        weightObject.requires_grad.Should().BeTrue();

        var headers = new[] { LanguageShard, VisionShard }.Sum(s => { using var f = SafetensorsFile.Open(_folder.File(s)); return 8 + f.HeaderLength; });
        var towerBytes = stored.Values.Sum(t => t.NumberOfElements * t.ElementSize);
        checkpoint.BytesRead.Should().Be(headers + towerBytes, "the language model's bytes must never be read");
    }

    [Fact]
    public void Strict_loading_lists_every_missing_and_unexpected_key_and_changes_nothing()
    {
        var stored = StoredTowerValues(name => name != "blocks.2.bias");
        using var extra = torch.ones(5);
        WriteVlmCheckpoint(stored, ("model.visual.extra.weight", extra));
        using var tower = new TinyTower();
        var before = tower.Snapshot();
        using var checkpoint = TensorSource.Open(_folder.Path);

        var thrown = FluentActions.Invoking(() => ModuleWeightLoader.Load(tower, checkpoint, VisualOnly))
            .Should().ThrowExactly<WeightLoadException>().Which;

        thrown.Missing.Should().Equal("blocks.2.bias");
        thrown.Unexpected.Should().Equal("model.visual.extra.weight");
        thrown.Message.Should().Contain("blocks.2.bias").And.Contain("model.visual.extra.weight").And.Contain(checkpoint.Path);
        tower.Snapshot().Should().BeEquivalentTo(before);
    }

    [Fact]
    public void Non_strict_loading_reports_missing_and_unexpected_keys_and_loads_the_rest()
    {
        var stored = StoredTowerValues(name => name != "blocks.2.bias");
        using var extra = torch.ones(5);
        WriteVlmCheckpoint(stored, ("model.visual.extra.weight", extra));
        using var tower = new TinyTower();
        var biasBefore = tower.Snapshot()["blocks.2.bias"];
        using var checkpoint = TensorSource.Open(_folder.Path);

        var report = ModuleWeightLoader.Load(tower, checkpoint, VisualOnly with { Strict = false });

        report.Missing.Should().Equal("blocks.2.bias");
        report.Unexpected.Should().Equal("model.visual.extra.weight");
        report.IsExactMatch.Should().BeFalse();
        report.Loaded.Should().HaveCount(6);
        tower.Snapshot()["blocks.2.bias"].Should().Equal(biasBefore);
        tower.Snapshot()["scale"].Should().Equal(stored["scale"].data<float>().ToArray());
    }

    [Fact]
    public void A_shape_mismatch_fails_even_when_not_strict_naming_key_and_both_shapes()
    {
        var stored = StoredTowerValues();
        stored["blocks.0.weight"] = Own(torch.zeros(3, 4));
        WriteVlmCheckpoint(stored);
        using var tower = new TinyTower();
        using var checkpoint = TensorSource.Open(_folder.Path);

        var thrown = FluentActions.Invoking(() => ModuleWeightLoader.Load(tower, checkpoint, VisualOnly with { Strict = false }))
            .Should().ThrowExactly<WeightLoadException>().Which;

        var mismatch = thrown.Mismatches.Should().ContainSingle().Which;
        mismatch.Name.Should().Be("blocks.0.weight");
        mismatch.Key.Should().Be("model.visual.blocks.0.weight");
        thrown.Message.Should().Contain("blocks.0.weight").And.Contain("expected [3, 3]").And.Contain("found [3, 4]");
    }

    [Fact]
    public void Integer_weights_are_refused_for_a_floating_parameter()
    {
        var stored = StoredTowerValues();
        stored["patch_embed.bias"] = Own(torch.zeros(3, torch.ScalarType.Int64));
        WriteVlmCheckpoint(stored);
        using var tower = new TinyTower();
        using var checkpoint = TensorSource.Open(_folder.Path);

        FluentActions.Invoking(() => ModuleWeightLoader.Load(tower, checkpoint, VisualOnly))
            .Should().ThrowExactly<WeightLoadException>().WithMessage("*patch_embed.bias*Float32*I64*");
    }

    [Fact]
    public void Two_prefixes_mapping_keys_to_the_same_entry_is_an_error_not_a_silent_choice()
    {
        using var scale = torch.ones(2);
        var stored = StoredTowerValues();
        WriteVlmCheckpoint(stored, ("visual.scale", scale));
        using var tower = new TinyTower();
        using var checkpoint = TensorSource.Open(_folder.Path);

        FluentActions.Invoking(() => ModuleWeightLoader.Load(tower, checkpoint, new WeightLoadOptions { StripPrefixes = ["model.visual.", "visual."] }))
            .Should().ThrowExactly<WeightLoadException>().WithMessage("*'model.visual.scale'*'visual.scale'*");
    }

    [Fact]
    public void An_empty_last_prefix_also_accepts_unprefixed_keys()
    {
        var stored = StoredTowerValues();
        var path = _folder.File("plain.safetensors");
        SafetensorsWriter.Write(path, stored.Select(e => (e.Key == "scale" ? e.Key : "visual." + e.Key, e.Value)));
        using var source = TensorSource.Open(path);
        using var tower = new TinyTower();

        FluentActions.Invoking(() => ModuleWeightLoader.Load(tower, source, new WeightLoadOptions { StripPrefixes = ["visual."] }))
            .Should().ThrowExactly<WeightLoadException>().Which.Missing.Should().Equal("scale");
        var report = ModuleWeightLoader.Load(tower, source, new WeightLoadOptions { StripPrefixes = ["visual.", ""] });

        report.IsExactMatch.Should().BeTrue();
        report.Skipped.Should().BeEmpty();
        report.Loaded.Should().HaveCount(7);
    }

    [Fact]
    public void A_state_dict_round_trips_into_a_fresh_module_without_leaking_tensors()
    {
        using var original = new TinyTower();
        var path = _folder.File("tower.safetensors");
        SafetensorsWriter.Write(path, original.state_dict());
        using var copy = new TinyTower();
        using var source = SafetensorsFile.Open(path);
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var report = ModuleWeightLoader.Load(copy, source);

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(liveBefore, "every temporary tensor must be disposed");
        report.IsExactMatch.Should().BeTrue();
        report.Conversions.Should().BeEmpty();
        copy.Snapshot().Should().BeEquivalentTo(original.Snapshot());
        source.Keys.Should().NotContain("cache");
    }
}
