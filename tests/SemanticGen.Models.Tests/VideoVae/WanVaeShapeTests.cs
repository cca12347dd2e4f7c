using SemanticGen.Models.VideoVae;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

/// <summary>
/// Other shapes of the fixture model. The independent check: the reference's chunked evaluation with its feature
/// cache must equal one causal pass over all frames (that is what the cache is for), so Encode/Decode are compared
/// with EncodeUnchunked/DecodeUnchunked, which share no cache code.
/// </summary>
public sealed class WanVaeShapeTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1, 5, 32, 32)]
    [InlineData(1, 13, 32, 32)]
    [InlineData(1, 9, 32, 48)]
    [InlineData(2, 5, 48, 32)]
    public void Chunked_equals_unchunked_for_other_shapes(long batch, long frames, long height, long width)
    {
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var video = VaeFixture.Clip(batch, frames, height, width, seed: 7);
        var latentFrames = (frames - 1) / 4 + 1;

        using var chunked = model.Encode(video);
        using var whole = model.EncodeUnchunked(video);
        var decoded = model.Decode(chunked.Mean);
        var decodedWhole = model.DecodeUnchunked(chunked.Mean);

        chunked.Mean.shape.Should().Equal(batch, 4, latentFrames, height / 8, width / 8);
        chunked.LogVar.shape.Should().Equal(batch, 4, latentFrames, height / 8, width / 8);
        decoded.shape.Should().Equal(batch, 3, frames, height, width);
        VaeFixture.MaxAbs(chunked.Mean, whole.Mean).Should().BeLessThanOrEqualTo(Tolerance);
        VaeFixture.MaxAbs(chunked.LogVar, whole.LogVar).Should().BeLessThanOrEqualTo(Tolerance);
        VaeFixture.MaxAbs(decoded, decodedWhole).Should().BeLessThanOrEqualTo(Tolerance);
        decoded.abs().max().item<float>().Should().BeLessThanOrEqualTo(1f);
    }

    [Fact]
    public void Encoding_a_batch_equals_encoding_each_video_alone()
    {
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = VaeFixture.Clip(2, 9, 32, 32, seed: 3);

        using var together = model.Encode(batch);
        var decodedTogether = model.Decode(together.Mean);
        for (var i = 0; i < 2; i++)
        {
            using var alone = model.Encode(batch.narrow(0, i, 1));
            VaeFixture.MaxAbs(together.Mean.narrow(0, i, 1), alone.Mean).Should().BeLessThanOrEqualTo(1e-5);
            VaeFixture.MaxAbs(together.LogVar.narrow(0, i, 1), alone.LogVar).Should().BeLessThanOrEqualTo(1e-5);
            VaeFixture.MaxAbs(decodedTogether.narrow(0, i, 1), model.Decode(alone.Mean)).Should().BeLessThanOrEqualTo(1e-5);
        }
    }

    [Fact]
    public void Later_frames_do_not_change_earlier_latents()
    {
        // Causality: the first 5 frames of a 13-frame clip encode to the first 2 latent frames of the whole clip.
        using var model = VaeFixture.LoadedModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var video = VaeFixture.Clip(1, 13, 32, 32, seed: 11);

        using var whole = model.Encode(video);
        using var prefix = model.Encode(video.narrow(2, 0, 5));

        VaeFixture.MaxAbs(whole.Mean.narrow(2, 0, 2), prefix.Mean).Should().BeLessThanOrEqualTo(1e-5);
        using var restarted = model.EncodeUnchunked(video.narrow(2, 8, 5));
        VaeFixture.MaxAbs(whole.Mean.narrow(2, 3, 1), restarted.Mean.narrow(2, 1, 1))
            .Should().BeGreaterThan(1e-3, "later latents see the earlier frames through the cache");
    }

    [Theory]
    [InlineData(8, 32, 32)]
    [InlineData(9, 30, 32)]
    public void Bad_video_sizes_are_rejected(long frames, long height, long width)
    {
        using var model = VaeFixture.LoadedModel();
        using var video = zeros([1, 3, frames, height, width]);

        var encode = () => model.Encode(video);

        encode.Should().Throw<ArgumentException>();
    }
}
