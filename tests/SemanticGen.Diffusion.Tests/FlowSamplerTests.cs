using SemanticGen.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion.Tests;

public sealed class FlowSamplerTests
{
    public static TheoryData<double[]> Grids => new()
    {
        FlowMatchSchedule.Sigmas(1.0, 1).Sigmas.ToArray(),
        FlowMatchSchedule.Sigmas(5.0, 10).Sigmas.ToArray(),
        FlowMatchSchedule.DiffusersSigmas(1000, 3.0, 4).Sigmas.ToArray(),
        new[] { 1.0, 0.93, 0.4, 0.39, 0.05, 0.0 },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void Exact_straight_path_velocity_lands_on_the_data_for_any_grid(double[] sigmas)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3).manual_seed(3);
        var x0 = randn([2, 5, 3], generator: generator);
        var noise = randn([2, 5, 3], generator: generator);
        var target = RectifiedFlow.Target(x0, noise);
        var calls = 0;

        var sample = FlowSampler.Sample((_, _, _) => { calls++; return target.clone(); }, noise, sigmas);

        calls.Should().Be(sigmas.Length - 1);
        sample.shape.Should().Equal(x0.shape);
        sample.sub(x0).abs().max().item<float>().Should().BeLessThan(1e-5f);
        noise.sub(x0).abs().max().item<float>().Should().BeGreaterThan(0.1f, "the start is not the data");
    }

    [Fact]
    public void State_dependent_velocity_follows_the_exact_flow_and_sees_each_sigma()
    {
        // The velocity that maps every point of the straight path to its x0: v(x, σ) = (x − x0)/σ for σ > 0.
        using var scope = NewDisposeScope();
        var generator = new Generator(5).manual_seed(5);
        var x0 = randn([3, 4], generator: generator);
        var noise = randn([3, 4], generator: generator);
        var sigmas = FlowMatchSchedule.Sigmas(3.0, 7).Sigmas;
        var seen = new List<double>();

        var sample = FlowSampler.Sample((x, t, _) =>
        {
            t.shape.Should().Equal([3L]);
            seen.Add(t[0].item<float>());
            return x.sub(x0).div(t.unsqueeze(1));
        }, noise, sigmas);

        seen.Should().Equal(sigmas.Take(7).Select(s => (double)(float)s));
        sample.sub(x0).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Guidance_one_is_conditional_only_and_zero_unconditional_only()
    {
        using var scope = NewDisposeScope();
        var noise = randn([2, 3], generator: new Generator(9).manual_seed(9));
        var vCond = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3);
        var vUncond = tensor(new float[] { -3, 0, 7, 1, 1, -2 }).reshape(2, 3);
        var sigmas = new[] { 1.0, 0.5, 0.0 };
        var asked = new List<bool>();
        Tensor Velocity(Tensor x, Tensor t, bool conditional)
        {
            asked.Add(conditional);
            return (conditional ? vCond : vUncond).clone();
        }

        var one = FlowSampler.Sample(Velocity, noise, sigmas, guidance: 1.0);
        asked.Should().Equal(true, true);
        asked.Clear();
        var zero = FlowSampler.Sample(Velocity, noise, sigmas, guidance: 0.0);
        asked.Should().HaveCount(4).And.Contain(false).And.Contain(true);
        asked.Clear();
        var five = FlowSampler.Sample(Velocity, noise, sigmas, guidance: 5.0);

        // Two half steps down from σ = 1 with a constant v: x = noise − v.
        one.sub(noise.sub(vCond)).abs().max().item<float>().Should().BeLessThan(1e-6f);
        zero.sub(noise.sub(vUncond)).abs().max().item<float>().Should().BeLessThan(1e-6f);
        var guided = vUncond.add(vCond.sub(vUncond).mul(5.0f));
        five.sub(noise.sub(guided)).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Progress_counts_steps_and_the_noise_is_left_alone()
    {
        using var scope = NewDisposeScope();
        var noise = ones(2, 2);
        var reported = new List<int>();
        var progress = new SynchronousProgress(reported);

        var sample = FlowSampler.Sample((x, _, _) => ones_like(x), noise, [1.0, 0.75, 0.25, 0.0], progress: progress);

        reported.Should().Equal(1, 2, 3);
        noise.sum().item<float>().Should().Be(4f);
        sample.sum().item<float>().Should().BeApproximately(0f, 1e-6f);
    }

    [Fact]
    public void A_grid_of_one_sigma_is_refused()
    {
        using var noise = zeros(1);

        var act = () => FlowSampler.Sample((x, _, _) => x, noise, [1.0]);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Semantic_noise_at_zero_is_identity_and_at_one_pure_noise()
    {
        using var scope = NewDisposeScope();
        var z = randn([2, 6, 8], generator: new Generator(1).manual_seed(1));

        var same = SemanticNoise.Add(z, 0.0, new Generator(2).manual_seed(2));
        var pure = SemanticNoise.Add(z, 1.0, new Generator(2).manual_seed(2));
        var half = SemanticNoise.Add(z, 0.5, new Generator(2).manual_seed(2));

        var eps = randn([2, 6, 8], generator: new Generator(2).manual_seed(2));
        same.sub(z).abs().max().item<float>().Should().Be(0f);
        pure.sub(eps).abs().max().item<float>().Should().BeLessThan(1e-6f);
        half.sub(z.add(eps).mul(0.5f)).abs().max().item<float>().Should().BeLessThan(1e-6f);
    }

    [Fact]
    public void Semantic_noise_takes_one_sigma_per_sample()
    {
        using var scope = NewDisposeScope();
        var z = randn([2, 3, 4], generator: new Generator(1).manual_seed(1));

        var noisy = SemanticNoise.Add(z, tensor(new float[] { 0f, 1f }), new Generator(4).manual_seed(4));

        var eps = randn([2, 3, 4], generator: new Generator(4).manual_seed(4));
        noisy[0].sub(z[0]).abs().max().item<float>().Should().Be(0f);
        noisy[1].sub(eps[1]).abs().max().item<float>().Should().BeLessThan(1e-6f);
    }

    [Fact]
    public void Training_sigma_is_uniform_up_to_the_rae_maximum()
    {
        using var scope = NewDisposeScope();

        var sigma = SemanticNoise.TrainingSigma(new Generator(8).manual_seed(8), 20_000);
        var again = SemanticNoise.TrainingSigma(new Generator(8).manual_seed(8), 20_000);

        sigma.shape.Should().Equal([20_000L]);
        sigma.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
        sigma.max().item<float>().Should().BeLessThanOrEqualTo(0.8f).And.BeGreaterThan(0.79f);
        sigma.mean().item<float>().Should().BeApproximately(0.4f, 0.01f);
        sigma.std().item<float>().Should().BeApproximately((float)(0.8 / Math.Sqrt(12)), 0.01f);
        again.sub(sigma).abs().max().item<float>().Should().Be(0f);
    }

    private sealed class SynchronousProgress(List<int> sink) : IProgress<int>
    {
        public void Report(int value) => sink.Add(value);
    }
}
