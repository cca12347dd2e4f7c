using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

public sealed class PipelineTensorsTests
{
    [Fact]
    public void Frames_become_a_one_clip_video_in_minus_one_to_one_and_back_unchanged()
    {
        using var generator = new Generator(5);
        using var frames = randint(0, 256, [3, 4, 6, 3], dtype: ScalarType.Byte, generator: generator);   // (F, H, W, 3)
        using var video = PipelineTensors.FromFrames(frames);
        video.shape.Should().Equal(1, 3, 3, 4, 6);
        video[0, 1, 2, 3, 4].item<float>().Should().BeApproximately(frames[2, 3, 4, 1].item<byte>() / 127.5f - 1f, 1e-6f);
        video.min().item<float>().Should().BeGreaterThanOrEqualTo(-1f);
        video.max().item<float>().Should().BeLessThanOrEqualTo(1f);
        using var back = PipelineTensors.ToFrames(video);
        back[0].equal(frames).all().item<bool>().Should().BeTrue();
        FluentActions.Invoking(() => PipelineTensors.FromFrames(zeros([3, 4, 6], ScalarType.Byte))).Should().Throw<ArgumentException>().WithMessage("*(F, H, W, 3)*3, 4, 6*");
    }
}
