using SemanticGen.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion.Tests;

public sealed class RectifiedFlowTests
{
    [Fact]
    public void Interpolate_is_data_at_0_noise_at_1_and_linear_per_sample()
    {
        using var scope = NewDisposeScope();
        var x0 = arange(0, 12, dtype: ScalarType.Float32).reshape(3, 4);
        var noise = full([3, 4], 100.0f);
        var t = tensor(new[] { 0f, 1f, 0.25f });

        var z = RectifiedFlow.Interpolate(x0, noise, t);

        z[0].sub(x0[0]).abs().max().item<float>().Should().Be(0f);
        z[1].sub(noise[1]).abs().max().item<float>().Should().Be(0f);
        var expected = new[] { 0.75f * 8 + 25f, 0.75f * 9 + 25f, 0.75f * 10 + 25f, 0.75f * 11 + 25f };
        z[2].data<float>().ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Interpolate_accepts_a_scalar_time()
    {
        using var scope = NewDisposeScope();
        var x0 = zeros(2, 3);
        var noise = ones(2, 3);

        var z = RectifiedFlow.Interpolate(x0, noise, tensor(0.5f));

        z.data<float>().ToArray().Should().AllBeEquivalentTo(0.5f);
    }

    [Fact]
    public void Target_is_noise_minus_data()
    {
        using var scope = NewDisposeScope();
        var x0 = tensor(new[] { 1f, 2f });
        var noise = tensor(new[] { 5f, -1f });

        RectifiedFlow.Target(x0, noise).data<float>().ToArray().Should().Equal(4f, -3f);
    }

    [Fact]
    public void Loss_is_the_mean_squared_error()
    {
        using var scope = NewDisposeScope();
        var prediction = tensor(new[] { 1f, 2f, 3f, 4f });
        var target = tensor(new[] { 1f, 0f, 3f, 0f });

        RectifiedFlow.Loss(prediction, target).item<float>().Should().BeApproximately((4f + 16f) / 4f, 1e-6f);
    }

    [Fact]
    public void Masked_loss_averages_only_the_counted_elements()
    {
        using var scope = NewDisposeScope();
        var prediction = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }).reshape(2, 3);
        var target = zeros(2, 3);
        var mask = tensor(new[] { 1f, 0f }).reshape(2, 1); // second row is padding

        RectifiedFlow.Loss(prediction, target, mask).item<float>().Should().BeApproximately((1f + 4f + 9f) / 3f, 1e-6f);
    }

    [Fact]
    public void Guidance_interpolates_and_extrapolates()
    {
        using var scope = NewDisposeScope();
        var vu = tensor(new[] { 1f, -2f });
        var vc = tensor(new[] { 3f, 2f });

        Guidance.Apply(vu, vc, 0).data<float>().ToArray().Should().Equal(1f, -2f);
        Guidance.Apply(vu, vc, 1).data<float>().ToArray().Should().Equal(3f, 2f);
        Guidance.Apply(vu, vc, 5).data<float>().ToArray().Should().Equal(11f, 18f);
    }
}
