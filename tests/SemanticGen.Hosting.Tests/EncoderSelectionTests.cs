using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Hosting.Encoders;
using SemanticGen.Weights;
using TorchSharp;

namespace SemanticGen.Hosting.Tests;

/// <summary>
/// The encoder is chosen by configuration alone: the same code, given a different "SemanticEncoder" section, runs a
/// different plugin, and each reproduces its reference features from raw frames.
/// </summary>
public sealed class EncoderSelectionTests
{
    public static TheoryData<string, string, string> Encoders => new()
    {
        { "qwen2.5-vl", "qwen2_5_vl_vision", "pooler_output" },
        { "vjepa2", "vjepa2", "last_hidden_state" },
        { "videomae2", "videomae", "last_hidden_state" },
    };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Configuration_selects_the_encoder_and_it_reproduces_the_reference_features(string key, string fixture, string output)
    {
        var folder = RepoPaths.Fixture("encoders", fixture);
        using var provider = Compose($$"""{ "SemanticEncoder": { "Type": "{{key}}", "Weights": "{{Path.Combine(folder, "model.safetensors")}}" } }""");

        var encoder = provider.GetRequiredService<ISemanticEncoder>();
        using var io = SafetensorsFile.Open(Path.Combine(folder, "io.safetensors"));
        using var frames = io.ReadTensor("frames_uint8").unsqueeze(0);
        using var expected = io.ReadTensor(output, torch.ScalarType.Float32);
        using var features = encoder.Encode(new VideoFrames(frames, Fps: 1.6));

        encoder.Info.Key.Should().Be(key);
        features.Tokens.shape.Should().Equal([1, .. expected.shape[^2..]]);
        features.Grid.Count.Should().Be((int)features.Tokens.shape[1]);
        using var error = (features.Tokens[0] - expected.reshape(expected.shape[^2..])).abs().max();
        error.item<float>().Should().BeLessThanOrEqualTo(1e-4f);
    }

    [Fact]
    public void An_unknown_encoder_type_fails_at_start_listing_the_registered_ones()
    {
        using var provider = Compose("""{ "SemanticEncoder": { "Type": "clip" } }""");

        var act = () => provider.GetRequiredService<IOptions<SemanticEncoderOptions>>().Value;

        act.Should().Throw<OptionsValidationException>()
            .WithMessage("*'clip' is not a registered encoder*qwen2.5-vl, videomae2, vjepa2*");
    }

    [Fact]
    public void Missing_weights_and_a_bad_dtype_are_reported_together_by_name()
    {
        using var provider = Compose("""{ "SemanticEncoder": { "Type": "vjepa2", "Weights": "/nowhere/model.safetensors", "Dtype": "int8" } }""");

        var act = () => provider.GetRequiredService<ISemanticEncoder>();

        act.Should().Throw<OptionsValidationException>()
            .WithMessage("*Weights '/nowhere/model.safetensors' does not exist*Dtype 'int8'*");
    }

    private static ServiceProvider Compose(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return new ServiceCollection().AddSemanticGenEncoders().AddSemanticEncoder(configuration).BuildServiceProvider();
    }
}
