using SemanticGen.Models.VideoVae;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

public sealed class WanVaeLatentTests
{
    [Fact]
    public void Normalize_is_z_minus_mean_times_inverse_std_and_Denormalize_inverts_it()
    {
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        var z = randn([2, 4, 3, 2, 2]);

        var normalized = model.Normalize(z);
        var back = model.Denormalize(normalized);

        // Channel 1 of the fixture: mean −0.2, std 0.8.
        var expected = z.select(1, 1).add(0.2).mul(1 / 0.8);
        VaeFixture.MaxAbs(normalized.select(1, 1), expected).Should().BeLessThan(1e-5);
        VaeFixture.MaxAbs(back, z).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Sample_is_mean_plus_std_times_seeded_noise_and_KL_is_zero_only_at_the_prior()
    {
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var posterior = model.Encode(VaeFixture.Read("video"));
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var g3 = new Generator(5);

        var a = posterior.Sample(g1);
        var b = posterior.Sample(g2);
        var noise = randn(posterior.Mean.shape, generator: g3);

        VaeFixture.MaxAbs(a, b).Should().Be(0);
        VaeFixture.MaxAbs(a, posterior.Mean.add(posterior.LogVar.mul(0.5).exp().mul(noise))).Should().BeLessThan(1e-6);
        var kl = posterior.Kl();
        kl.shape.Should().Equal(1);
        var manual = posterior.Mean.square().add(posterior.LogVar.exp()).sub(1).sub(posterior.LogVar).sum().mul(0.5).item<float>();
        kl.item<float>().Should().BeApproximately(manual, Math.Abs(manual) * 1e-5f + 1e-4f).And.BeGreaterThan(0);
    }
}
