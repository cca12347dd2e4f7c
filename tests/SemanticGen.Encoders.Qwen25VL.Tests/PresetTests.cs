using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>The published sizes, built on the meta device (shapes without memory).</summary>
public sealed class PresetTests
{
    [Theory]
    [MemberData(nameof(PublishedTower.Sizes), MemberType = typeof(PublishedTower))]
    public void A_preset_tower_has_exactly_the_published_names_and_shapes(string preset, int mlp, int outDim)
    {
        using var tower = new Qwen25VisionTower(Qwen25VLPresets.Get(preset), META);

        var actual = tower.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        var expected = PublishedTower.Keys(mlp, outDim);
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        actual.Should().AllSatisfy(entry => entry.Value.Should().Equal(expected[entry.Key], entry.Key));
        tower.named_buffers().Should().BeEmpty("nothing besides the weights is part of the state");
        Qwen25VLPresets.Get(preset).OutHiddenSize.Should().Be(outDim);
    }

    [Fact]
    public void A_whole_VLM_checkpoint_loads_the_tower_only_reading_its_tensors()
    {
        var tower = PublishedTower.Keys(3420, 2048);
        var vlm = tower.ToDictionary(e => "visual." + e.Key, e => e.Value);
        vlm["model.embed_tokens.weight"] = [151936, 2048];
        vlm["model.layers.0.self_attn.q_proj.weight"] = [2048, 2048];
        vlm["lm_head.weight"] = [151936, 2048];
        using var source = new HeaderOnlySource(vlm);
        using var module = new Qwen25VisionTower(Qwen25VLPresets.Get("3b"), META);

        var report = Qwen25VLWeights.Load(module, source);

        report.IsExactMatch.Should().BeTrue();
        report.Loaded.Should().HaveCount(tower.Count);
        report.Skipped.Should().BeEquivalentTo("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "lm_head.weight");
        source.Read.Should().BeEquivalentTo(vlm.Keys.Where(k => k.StartsWith("visual.", StringComparison.Ordinal)));
        report.Conversions.Should().HaveCount(tower.Count).And.AllSatisfy(c => c.Stored.Should().Be(SafetensorsDtype.BF16));
    }

    [Fact]
    public void A_checkpoint_of_another_size_is_refused_naming_key_expected_and_found()
    {
        var sevenB = PublishedTower.Keys(3420, 3584).ToDictionary(e => "model.visual." + e.Key, e => e.Value);
        using var source = new HeaderOnlySource(sevenB);
        using var module = new Qwen25VisionTower(Qwen25VLPresets.Get("3b"), META);

        var act = () => Qwen25VLWeights.Load(module, source);

        act.Should().Throw<WeightLoadException>()
            .WithMessage("*merger.mlp.2.weight*expected [2048, 5120], found [3584, 5120]*")
            .Which.Mismatches.Select(m => m.Name).Should().BeEquivalentTo("merger.mlp.2.weight", "merger.mlp.2.bias");
        source.Read.Should().BeEmpty("nothing is read when the headers already disagree");
    }

    [Fact]
    public void An_unknown_preset_lists_the_known_ones()
    {
        var act = () => Qwen25VLPresets.Get("2b");

        act.Should().Throw<ArgumentException>().WithMessage("*'2b'*3b, 7b, 32b, 72b*");
    }
}
