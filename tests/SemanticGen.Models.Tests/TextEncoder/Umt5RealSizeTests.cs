using System.Text.Json;
using SemanticGen.Models.TextEncoder;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

/// <summary>umT5-XXL (Wan2.1's text encoder), built on the meta device (no memory), against the published key list.</summary>
public sealed class Umt5RealSizeTests
{
    [Fact]
    public void Xxl_preset_has_the_published_keys_shapes_and_parameter_count()
    {
        var published = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(RepoPaths.Fixture("wan", "umt5_xxl_encoder.keys.json")))!;
        var config = Umt5Presets.Get("xxl");

        var shapes = Umt5Weights.ExpectedShapes(config);

        shapes.Should().BeEquivalentTo(published);
        Umt5Weights.ParameterCount(config).Should().Be(5_680_910_336L);
        config.RelativeAttentionNumBuckets.Should().Be(32);
        config.RelativeAttentionMaxDistance.Should().Be(128);
    }

    [Fact]
    public void Meta_model_allocates_nothing()
    {
        using var model = new Umt5EncoderModel(Umt5Presets.Get("xxl"), META);

        model.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
    }

    [Fact]
    public void Unknown_preset_names_the_known_ones()
    {
        ((Action)(() => Umt5Presets.Get("xl"))).Should().Throw<ArgumentException>().WithMessage("*xxl*");
    }
}
