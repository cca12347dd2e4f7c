using SemanticGen.Diffusion;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion.Tests;

public sealed class FlowMatchSamplerTests
{
    private static string Fixture => RepoPaths.Fixture("wan");

    [Fact]
    public void Euler_step_matches_the_recorded_diffusers_step()
    {
        using var source = TensorSource.Open(Path.Combine(Fixture, FlowMatchParity.StepFile));
        using var scope = NewDisposeScope();
        var grid = FlowMatchSchedule.DiffusersSigmas(1000, 5.0, 10);

        var next = FlowMatchSampler.EulerStep(source.ReadTensor("sample"), source.ReadTensor("model_output"), grid.Sigmas[0], grid.Sigmas[1]);

        var expected = source.ReadTensor("prev_sample");
        next.shape.Should().Equal(expected.shape);
        next.sub(expected).abs().max().item<float>().Should().BeLessThanOrEqualTo(1e-5f);
    }

    [Fact]
    public void Parity_report_passes_on_the_fixture_with_every_case()
    {
        using var source = TensorSource.Open(Path.Combine(Fixture, FlowMatchParity.StepFile));

        var report = FlowMatchParity.Check(Fixture, name => source.ReadTensor(name));

        report.Measures.Should().HaveCount(10);
        report.Passed.Should().BeTrue(report.ToString());
        report.Measures.Max(m => m.MaxAbsError).Should().BeLessThanOrEqualTo(1e-5);
    }

    [Fact]
    public void Parity_report_fails_when_the_recorded_step_disagrees()
    {
        using var source = TensorSource.Open(Path.Combine(Fixture, FlowMatchParity.StepFile));
        using var half = 0.5.ToScalar();

        var report = FlowMatchParity.Check(Fixture, name => name == "model_output" ? source.ReadTensor(name).mul(half) : source.ReadTensor(name));

        report.Passed.Should().BeFalse();
        report.Measures[^1].Passed.Should().BeFalse();
    }

    [Theory]
    [InlineData(1.0, 4)]
    [InlineData(5.0, 10)]
    public void Euler_with_the_exact_straight_path_velocity_lands_on_the_data(double shift, int steps)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var x0 = randn([2, 3, 4], generator: generator);
        var noise = randn([2, 3, 4], generator: generator);
        var velocity = RectifiedFlow.Target(x0, noise);
        var grid = FlowMatchSchedule.Sigmas(shift, steps);

        var z = noise;
        for (var i = 0; i < steps; i++)
        {
            using var t = tensor(new[] { (float)grid.Sigmas[i], (float)grid.Sigmas[i] });
            RectifiedFlow.Interpolate(x0, noise, t).sub(z).abs().max().item<float>().Should().BeLessThan(1e-5f, "z stays on the path");
            z = FlowMatchSampler.EulerStep(z, velocity, grid.Sigmas[i], grid.Sigmas[i + 1]);
        }

        z.sub(x0).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Euler_step_is_one_update_and_keeps_the_model_output_dtype()
    {
        using var scope = NewDisposeScope();
        var z = full([2, 2], 1.0f);
        var v = full([2, 2], 2.0f).to(ScalarType.BFloat16);

        var next = FlowMatchSampler.EulerStep(z, v, 0.75, 0.25);

        next.dtype.Should().Be(ScalarType.BFloat16);
        next.to(ScalarType.Float32).data<float>().ToArray().Should().AllBeEquivalentTo(0.0f); // 1 + (0.25 − 0.75)·2
    }
}
