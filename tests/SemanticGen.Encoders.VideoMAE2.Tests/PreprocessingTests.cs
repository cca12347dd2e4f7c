using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>Resize-shortest-edge, centre crop and normalisation checked on frames whose resized values are known exactly.</summary>
public sealed class PreprocessingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Non_square_frames_are_resized_on_the_short_side_and_centre_cropped(bool portrait)
    {
        // A ramp 4·x + c along the long side of a 32×64 frame. Upsampling ×2 keeps a ramp away from the borders:
        // resized column j holds 2j − 1 + c; the crop keeps columns 32…95, so output column k holds 2k + 63 + c.
        using var encoder = Fixture.CreateEncoder();
        var (height, width) = portrait ? (64, 32) : (32, 64);
        var values = new byte[2 * height * width * 3];
        for (var t = 0; t < 2; t++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        values[(((t * height) + y) * width + x) * 3 + c] = (byte)(4 * (portrait ? y : x) + c);
                    }
                }
            }
        }
        using var frames = tensor(values, [1, 2, height, width, 3]);
        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));

        input.Pixels.shape.Should().Equal(1, 2, 3, 64, 64);
        input.PatchGrid.Should().Be(new SemanticGrid(1, 4, 4));
        var expected = new float[2 * 3 * 64 * 64];
        for (var t = 0; t < 2; t++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < 64; i++)
                {
                    for (var k = 0; k < 64; k++)
                    {
                        var level = 2 * (portrait ? i : k) + 63 + c;
                        expected[((t * 3 + c) * 64 + i) * 64 + k] =
                            (float)((level / 255.0 - VideoMAEPreprocessor.Mean[c]) / VideoMAEPreprocessor.Std[c]);
                    }
                }
            }
        }
        using var want = tensor(expected, [1, 2, 3, 64, 64]);
        Fixture.MaxAbs(input.Pixels, want).Should().BeLessThanOrEqualTo(1e-5);
    }

    [Theory]
    [InlineData(64, 64, 64, 64)]
    [InlineData(48, 80, 64, 106)]   // ⌊64·80/48⌋ = 106
    [InlineData(360, 240, 96, 64)]
    public void The_shortest_edge_rule_truncates_the_long_side(int height, int width, int resizedHeight, int resizedWidth) =>
        VideoMAEPreprocessor.ShortestEdgeSize(height, width, 64).Should().Be((resizedHeight, resizedWidth));

    [Fact]
    public void Frames_already_at_the_size_are_only_normalised()
    {
        using var encoder = Fixture.CreateEncoder();
        using var frames = full([1, 2, 64, 64, 3], 51, dtype: ScalarType.Byte);
        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));
        for (var c = 0; c < 3; c++)
        {
            using var channel = input.Pixels[.., .., c];
            var value = (0.2 - VideoMAEPreprocessor.Mean[c]) / VideoMAEPreprocessor.Std[c];
            channel.min().item<float>().Should().BeApproximately((float)value, 1e-6f);
            channel.max().item<float>().Should().BeApproximately((float)value, 1e-6f);
        }
    }
}
