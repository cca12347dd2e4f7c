using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>Frames → crop×crop ImageNet-normalised pixels, whatever the frame size.</summary>
public sealed class PreprocessingTests
{
    private static readonly double[] Mean = [0.485, 0.456, 0.406];
    private static readonly double[] Std = [0.229, 0.224, 0.225];

    private static double Normalised(int value, int channel) => (value / 255.0 - Mean[channel]) / Std[channel];

    [Fact]
    public void A_wide_frame_at_the_crop_height_is_centre_cropped_without_resampling()
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());
        using var frames = Fixture.RandomFrames(2, 4, 64, 100, seed: 3);

        using var input = encoder.Preprocess(new VideoFrames(frames, 2.0));

        input.Pixels.shape.Should().Equal(2, 4, 3, 64, 64);
        input.PatchGrid.Should().Be(new SemanticGrid(2, 4, 4));
        input.Fps.Should().Be(2.0);
        // left = round((100 − 64) / 2) = 18; every pixel is the normalised source pixel.
        using var source = frames.narrow(3, 18, 64).permute(0, 1, 4, 2, 3).to(ScalarType.Float64).div(255.0);
        using var mean = tensor(Mean).view(1, 1, 3, 1, 1);
        using var std = tensor(Std).view(1, 1, 3, 1, 1);
        using var expected = (source - mean) / std;
        Fixture.MaxAbs(input.Pixels, expected).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void A_tall_frame_is_resized_by_its_width_and_cropped_around_its_middle()
    {
        // 192×128 (H×W): width → 64, height → 96, crop rows 16…79. Three horizontal stripes of 64 source rows
        // become 32 rows each, so output rows 0–15 are the top colour, 16–47 the middle one, 48–63 the bottom one.
        var colours = new[] { (10, 200, 30), (250, 5, 120), (70, 70, 240) };
        using var frames = zeros([1, 2, 192, 128, 3], ScalarType.Byte);
        for (var stripe = 0; stripe < 3; stripe++)
        {
            var (r, g, b) = colours[stripe];
            frames.narrow(2, stripe * 64, 64).copy_(tensor(new byte[] { (byte)r, (byte)g, (byte)b }));
        }
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());

        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));

        input.Pixels.shape.Should().Equal(1, 2, 3, 64, 64);
        foreach (var (row, stripe) in new[] { (0, 0), (13, 0), (19, 1), (32, 1), (45, 1), (51, 2), (63, 2) })
        {
            var (r, g, b) = colours[stripe];
            int[] values = [r, g, b];
            for (var channel = 0; channel < 3; channel++)
            {
                using var line = input.Pixels[0, 1, channel, row];
                line.min().item<float>().Should().BeApproximately((float)Normalised(values[channel], channel), 1e-5f, $"row {row} channel {channel}");
                line.max().item<float>().Should().BeApproximately((float)Normalised(values[channel], channel), 1e-5f, $"row {row} channel {channel}");
            }
        }
    }

    [Theory]
    [InlineData(1.0, 480, 640, 256, 256, 341)]
    [InlineData(VJepa2Preprocessing.HuggingFaceShortSideScale, 480, 640, 256, 292, 389)]
    [InlineData(VJepa2Preprocessing.HuggingFaceShortSideScale, 640, 480, 256, 389, 292)]
    [InlineData(VJepa2Preprocessing.HuggingFaceShortSideScale, 64, 64, 64, 73, 73)]
    public void Resize_sizes_follow_the_torchvision_short_side_rule(double scale, int height, int width, int crop, int expectedHeight, int expectedWidth)
    {
        new VJepa2Preprocessing(scale).ResizedSize(height, width, crop).Should().Be((expectedHeight, expectedWidth));
    }

    [Fact]
    public void The_hugging_face_zoom_crops_the_centre_of_a_larger_short_side()
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel(), new VJepa2Preprocessing(VJepa2Preprocessing.HuggingFaceShortSideScale));
        using var frames = Fixture.RandomFrames(1, 2, 90, 120, seed: 8);

        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));
        using var features = encoder.Encode(input);

        input.Pixels.shape.Should().Equal(1, 2, 3, 64, 64);
        features.Tokens.shape.Should().Equal(1, 16, 64);
    }

    [Fact]
    public void Frames_that_are_not_uint8_rgb_are_rejected()
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());
        using var floats = rand([1, 2, 64, 64, 3]);
        using var gray = zeros([1, 2, 64, 64, 1], ScalarType.Byte);

        encoder.Invoking(e => e.Preprocess(new VideoFrames(floats, 1.6))).Should().Throw<ArgumentException>().WithMessage("*uint8*Float32*");
        encoder.Invoking(e => e.Preprocess(new VideoFrames(gray, 1.6))).Should().Throw<ArgumentException>().WithMessage("*(B, T, H, W, 3)*");
    }
}
