using SemanticGen.Abstractions.Encoders;
using SemanticGen.Models.DiT;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.DiT;

/// <summary>Against diffusers' recorded pass, and against a plain float64 re-derivation for other shapes.</summary>
public sealed class WanTransformerParityTests
{
    private static readonly string Fixture = RepoPaths.Fixture("wan", "wan_transformer");

    [Fact]
    public void Fixture_output_matches_diffusers()
    {
        var report = WanTransformerParity.Check(Fixture);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        report.Encoder.Should().Be("wan-transformer");
        report.Measures.Should().ContainSingle();
        report.Measures[0].MaxAbsError.Should().BeLessThanOrEqualTo(1e-4, report.ToString());
        report.Passed.Should().BeTrue();
    }

    [Fact]
    public void The_plain_reference_reproduces_the_recorded_output()
    {
        // Validates the re-derivation itself before it is trusted for other shapes.
        using var naive = new NaiveWanReference(Fixture);
        using var io = TensorSource.Open(Path.Combine(Fixture, "io.safetensors"));
        using var scope = NewDisposeScope();

        var output = naive.Forward(io.ReadTensor("hidden_states"), [437.5], io.ReadTensor("encoder_hidden_states"));

        ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output")).Should().BeLessThan(1e-4);
    }

    public static TheoryData<string, long, long, long, long, double[], long> Shapes => new()
    {
        { "5 frames", 1, 5, 8, 8, [437.5], 7 },
        { "non-square 8x12", 1, 3, 8, 12, [437.5], 7 },
        { "batch of 2, different timesteps", 2, 3, 8, 8, [999.0, 0.25], 7 },
        { "integer timestep", 1, 3, 8, 8, [1000.0], 7 },
        { "small fractional timestep", 1, 3, 8, 8, [3.75], 7 },
        { "longer text", 1, 3, 8, 8, [437.5], 29 },
        { "all at once", 2, 5, 12, 8, [12.0, 801.125], 20 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Other_shapes_match_the_plain_reference(string label, long batch, long frames, long height, long width, double[] timesteps, long textLength)
    {
        using var model = WanTransformerWeights.Load(Fixture);
        using var naive = new NaiveWanReference(Fixture);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(17).manual_seed(17);
        var latents = randn([batch, 4, frames, height, width], generator: generator);
        var text = randn([batch, textLength, 32], generator: generator);

        var ours = model.forward(latents, tensor(timesteps.Select(t => (float)t).ToArray()), text);
        var expected = naive.Forward(latents, timesteps, text);

        ours.shape.Should().Equal([batch, 4, frames, height, width], label);
        ParityMeasure.MaxAbsDifference(ours, expected).Should().BeLessThan(1e-4, label);
    }

    [Fact]
    public void A_batch_equals_its_items_run_alone()
    {
        using var model = WanTransformerWeights.Load(Fixture);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(3).manual_seed(3);
        var latents = randn([2, 4, 3, 8, 8], generator: generator);
        var text = randn([2, 7, 32], generator: generator);
        var timesteps = tensor(new[] { 937.5f, 12f });

        var both = model.forward(latents, timesteps, text);
        var first = model.forward(latents[0..1], timesteps[0..1], text[0..1]);
        var second = model.forward(latents[1..2], timesteps[1..2], text[1..2]);

        ParityMeasure.MaxAbsDifference(both[0..1], first).Should().BeLessThan(1e-5);
        ParityMeasure.MaxAbsDifference(both[1..2], second).Should().BeLessThan(1e-5);
        ParityMeasure.MaxAbsDifference(first, second).Should().BeGreaterThan(1e-2, "different inputs give different outputs");
    }
}
