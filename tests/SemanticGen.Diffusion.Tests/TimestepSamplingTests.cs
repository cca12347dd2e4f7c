using SemanticGen.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion.Tests;

public sealed class TimestepSamplingTests
{
    [Fact]
    public void Logit_normal_has_the_requested_logit_statistics()
    {
        using var scope = NewDisposeScope();
        var t = TimestepSampling.LogitNormal(new Generator(1), 200_000, mean: 0.5, std: 1.5);

        t.shape.Should().Equal(200_000);
        t.dtype.Should().Be(ScalarType.Float32);
        t.min().item<float>().Should().BeGreaterThan(0f);
        t.max().item<float>().Should().BeLessThan(1f);
        var logits = t.logit().to(ScalarType.Float64);
        logits.mean().item<double>().Should().BeApproximately(0.5, 0.02);
        logits.std().item<double>().Should().BeApproximately(1.5, 0.02);
    }

    [Fact]
    public void Standard_logit_normal_is_symmetric_about_one_half()
    {
        using var scope = NewDisposeScope();
        var t = TimestepSampling.LogitNormal(new Generator(2), 100_000);

        t.mean().item<float>().Should().BeApproximately(0.5f, 0.005f);
        t.median().item<float>().Should().BeApproximately(0.5f, 0.01f);
    }

    [Fact]
    public void Samplers_are_reproducible_from_the_generator()
    {
        using var scope = NewDisposeScope();
        var a = TimestepSampling.LogitNormal(new Generator(3), 16);
        var b = TimestepSampling.LogitNormal(new Generator(3), 16);
        var c = TimestepSampling.UniformShifted(new Generator(3), 16, 3.0);
        var d = TimestepSampling.UniformShifted(new Generator(3), 16, 3.0);

        a.sub(b).abs().max().item<float>().Should().Be(0f);
        c.sub(d).abs().max().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Uniform_shifted_is_the_shift_of_uniform_draws()
    {
        using var scope = NewDisposeScope();
        var uniform = TimestepSampling.UniformShifted(new Generator(4), 1000, 1.0);
        var shifted = TimestepSampling.UniformShifted(new Generator(4), 1000, 3.0);

        var u = uniform.data<float>().ToArray();
        var s = shifted.data<float>().ToArray();
        for (var i = 0; i < u.Length; i++)
            s[i].Should().BeApproximately((float)FlowMatchSchedule.Shift(u[i], 3.0), 1e-6f);
        // Median of Shift(U, 3) is Shift(0.5, 3) = 0.75.
        shifted.median().item<float>().Should().BeApproximately(0.75f, 0.05f);
    }
}
