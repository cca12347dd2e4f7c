using SemanticGen.Models.Generators;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.Generators;

public sealed class SemanticCompressorTests
{
    [Fact]
    public void Parameters_are_named_and_sized_for_the_bottleneck()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 12, HiddenDim: 7));

        var shapes = compressor.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        shapes.Keys.Should().BeEquivalentTo("proj_in.weight", "proj_in.bias", "proj_out.weight", "proj_out.bias");
        shapes["proj_in.weight"].Should().Equal(7L, 12L);
        shapes["proj_out.weight"].Should().Equal(16L, 7L);
        compressor.Config.TokenDim.Should().Be(8);
    }

    [Fact]
    public void Mean_and_log_variance_match_a_hand_computed_mlp_and_the_kl_its_formula()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 3, OutputDim: 2, HiddenDim: 4));
        using var scope = NewDisposeScope();
        var features = randn([2, 5, 3], generator: new Generator(1).manual_seed(1));
        var p = compressor.named_parameters().ToDictionary(x => x.name, x => x.parameter);

        var result = compressor.Compress(features);
        var kl = result.Kl().item<float>();

        result.Mean.shape.Should().Equal(2L, 5L, 2L);
        result.LogVar!.shape.Should().Equal(2L, 5L, 2L);
        result.Sample.shape.Should().Equal(2L, 5L, 2L);
        var w1 = Values(p["proj_in.weight"]); var b1 = Values(p["proj_in.bias"]);
        var w2 = Values(p["proj_out.weight"]); var b2 = Values(p["proj_out.bias"]);
        var x = Values(features);
        var mean = Values(result.Mean); var logVar = Values(result.LogVar);
        var klSum = 0.0;
        for (var token = 0; token < 10; token++)
        {
            var hidden = new double[4];
            for (var j = 0; j < 4; j++)
            {
                var a = b1[j];
                for (var i = 0; i < 3; i++) a += w1[j * 3 + i] * x[token * 3 + i];
                hidden[j] = 0.5 * a * (1 + Erf(a / Math.Sqrt(2)));                       // exact GELU
            }
            for (var k = 0; k < 4; k++)
            {
                var o = b2[k];
                for (var j = 0; j < 4; j++) o += w2[k * 4 + j] * hidden[j];
                var actual = k < 2 ? mean[token * 2 + k] : logVar[token * 2 + k - 2];   // first half μ, second log σ²
                actual.Should().BeApproximately(o, 1e-5, $"token {token} output {k}");
            }
            for (var c = 0; c < 2; c++)
            {
                double mu = mean[token * 2 + c], lv = logVar[token * 2 + c];
                klSum += 0.5 * (mu * mu + Math.Exp(lv) - 1 - lv);
            }
        }
        kl.Should().BeApproximately((float)(klSum / 10), 1e-5f, "summed over channels, averaged over tokens");
    }

    [Fact]
    public void Kl_is_zero_at_the_prior_and_log_variance_is_clamped()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 3, OutputDim: 2));
        using var scope = NewDisposeScope();
        var p = compressor.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var features = randn([1, 4, 3], generator: new Generator(2).manual_seed(2));
        using (no_grad())
        {
            p["proj_out.weight"].zero_();
            p["proj_out.bias"].copy_(tensor(new float[] { 0, 0, 0, 0 }));
        }
        var prior = compressor.Compress(features).Kl().item<float>();
        using (no_grad())
        {
            p["proj_out.bias"].copy_(tensor(new float[] { 1, 0, 100, -100 }));
        }

        var clamped = compressor.Compress(features);

        prior.Should().Be(0f);
        Values(clamped.LogVar!).Should().OnlyContain(v => v == 20.0 || v == -30.0);
        Values(clamped.LogVar!.select(2, 0)).Should().OnlyContain(v => v == 20.0);
        var expected = 0.5 * ((1 + Math.Exp(20) - 1 - 20) + (0 + Math.Exp(-30) - 1 + 30));
        clamped.Kl().item<float>().Should().BeApproximately((float)expected, (float)(expected * 1e-5));
    }

    [Fact]
    public void Eval_or_no_generator_gives_the_mean_and_training_samples_reproducibly()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 6, OutputDim: 4));
        using var scope = NewDisposeScope();
        var features = randn([2, 3, 6], generator: new Generator(3).manual_seed(3));

        compressor.train();
        var noGenerator = compressor.Compress(features);
        var first = compressor.Compress(features, new Generator(4).manual_seed(4));
        var second = compressor.Compress(features, new Generator(4).manual_seed(4));
        compressor.eval();
        var evaluated = compressor.Compress(features, new Generator(4).manual_seed(4));

        MaxDifference(noGenerator.Sample, noGenerator.Mean).Should().Be(0);
        MaxDifference(evaluated.Sample, evaluated.Mean).Should().Be(0);
        MaxDifference(evaluated.Mean, first.Mean).Should().Be(0);
        MaxDifference(first.Sample, second.Sample).Should().Be(0);
        first.Sample.sub(first.Mean).abs().max().item<float>().Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void Samples_are_mean_plus_sigma_times_standard_normal_noise()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 4, OutputDim: 8));
        using var scope = NewDisposeScope();
        var p = compressor.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using (no_grad())
        {
            p["proj_out.bias"].copy_(cat([full(8, 0.7f), full(8, (float)Math.Log(0.25))]));   // μ ≈ 0.7 + …, σ ≈ 0.5
        }
        var features = randn([8, 500, 4], generator: new Generator(5).manual_seed(5));
        compressor.train();

        var result = compressor.Compress(features, new Generator(6).manual_seed(6));

        var eps = result.Sample.sub(result.Mean).div(result.LogVar!.mul(0.5f).exp());           // (B, N, d)
        eps.mean().item<float>().Should().BeApproximately(0f, 0.02f);
        eps.std().item<float>().Should().BeApproximately(1f, 0.02f);
        var perChannel = eps.flatten(0, 1).T;                                                  // (d, B·N)
        var correlation = corrcoef(perChannel);
        correlation.sub(eye(8)).abs().max().item<float>().Should().BeLessThan(0.05f, "channels draw independent noise");
    }

    [Fact]
    public void Uncompressed_mode_is_the_identity_with_zero_kl()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 5, Mode: SemanticCompressionMode.Uncompressed));
        using var scope = NewDisposeScope();
        var features = randn([2, 3, 5], generator: new Generator(7).manual_seed(7));
        compressor.train();

        var result = compressor.Compress(features, new Generator(8).manual_seed(8));

        compressor.parameters().Should().BeEmpty();
        compressor.Config.TokenDim.Should().Be(5);
        result.LogVar.Should().BeNull();
        MaxDifference(result.Sample, features).Should().Be(0);
        MaxDifference(result.Mean, features).Should().Be(0);
        result.Kl().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Features_of_the_wrong_width_are_refused()
    {
        using var compressor = new SemanticCompressor(new SemanticCompressorConfig(InputDim: 5));
        using var features = zeros(1, 2, 4);

        var act = () => compressor.Compress(features);

        act.Should().Throw<ArgumentException>().WithMessage("*(B, N, 5)*");
    }

    private static double MaxDifference(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();

    private static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray();

    // erf by its Maclaurin series (exact GELU's reference; the activations here are small, so it converges fast).
    private static double Erf(double x)
    {
        if (Math.Abs(x) > 4) return Math.Sign(x);
        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
