using SemanticGen.Models.VideoVae;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

/// <summary>Our VAE against the recorded diffusers AutoencoderKLWan pass (diffusers 0.40.0.dev0, float32).</summary>
public sealed class WanVaeParityTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Chunked_encode_and_decode_match_the_recorded_outputs()
    {
        var report = WanVaeParity.Check(VaeFixture.Folder);

        TestContext.Current.TestOutputHelper!.WriteLine(report.ToString());
        report.Encoder.Should().Be("wan-vae");
        report.Measures.Select(m => m.Name).Should().Equal(WanVaeParity.LatentMean, WanVaeParity.LatentLogVar, WanVaeParity.Decoded);
        report.Measures.Should().AllSatisfy(m => m.MaxAbsError.Should().BeLessThanOrEqualTo(Tolerance, m.Name));
        report.Passed.Should().BeTrue();
    }

    [Fact]
    public void Unchunked_passes_match_the_recorded_outputs_too()
    {
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var video = VaeFixture.Read("video");
        var mean = VaeFixture.Read("latent_mean");

        using var posterior = model.EncodeUnchunked(video);
        var decoded = model.DecodeUnchunked(mean);

        var errors = (Mean: VaeFixture.MaxAbs(posterior.Mean, mean),
            LogVar: VaeFixture.MaxAbs(posterior.LogVar, VaeFixture.Read("latent_logvar")),
            Decoded: VaeFixture.MaxAbs(decoded, VaeFixture.Read("decoded_from_mean")));
        TestContext.Current.TestOutputHelper!.WriteLine($"unchunked: mean {errors.Mean:e2}, logvar {errors.LogVar:e2}, decoded {errors.Decoded:e2}");
        errors.Mean.Should().BeLessThanOrEqualTo(Tolerance);
        errors.LogVar.Should().BeLessThanOrEqualTo(Tolerance);
        errors.Decoded.Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void A_wrong_fixture_fails_the_report()
    {
        using var folder = new TempFolder();
        foreach (var file in new[] { "config.json", "model.safetensors" })
        {
            File.Copy(Path.Combine(VaeFixture.Folder, file), folder.File(file));
        }
        using (var scope = NewDisposeScope())
        {
            var video = VaeFixture.Read("video");
            var mean = VaeFixture.Read("latent_mean");
            SemanticGen.Weights.SafetensorsWriter.Write(folder.File("io.safetensors"), new (string, Tensor)[]
            {
                ("video", video),
                ("latent_mean", mean.add(0.01)),
                ("latent_logvar", VaeFixture.Read("latent_logvar")),
                ("decoded_from_mean", VaeFixture.Read("decoded_from_mean")),
            });
        }

        var report = WanVaeParity.Check(folder.Path);

        report.Passed.Should().BeFalse();
        report.Measures[0].MaxAbsError.Should().BeGreaterThan(0.009);
    }
}
