using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

public sealed class PreprocessTests
{
    private static readonly double[] Mean = [0.48145466, 0.4578275, 0.40821073];
    private static readonly double[] Std = [0.26862954, 0.26130258, 0.27577711];

    [Fact]
    public void Patches_are_laid_out_in_merge_block_order_with_C_t_y_x_inside()
    {
        using var scope = NewDisposeScope();
        var preprocessor = new Qwen25VLPreprocessor(QwenFixture.Config, new Qwen25VLEncoderOptions());
        var (time, height, width) = (4, 112, 168);
        var frames = QwenFixture.Frames(1, time, height, width, seed: 3);

        using var input = preprocessor.Preprocess(new VideoFrames(frames, 1.6), CPU);

        var (gh, gw) = (height / 14, width / 14);
        input.PatchGrid.Should().Be(new SemanticGrid(2, gh, gw));
        input.Pixels.shape.Should().Equal(1, 2 * gh * gw, 1176);
        var source = frames.data<byte>().ToArray();
        var actual = input.Pixels.data<float>().ToArray();
        var worst = 0.0;
        for (var t = 0; t < 2; t++)
        for (var r = 0; r < gh / 2; r++)
        for (var c = 0; c < gw / 2; c++)
        for (var i = 0; i < 2; i++)
        for (var j = 0; j < 2; j++)
        {
            var token = t * gh * gw + (r * (gw / 2) + c) * 4 + i * 2 + j;
            for (var ch = 0; ch < 3; ch++)
            for (var dt = 0; dt < 2; dt++)
            for (var y = 0; y < 14; y++)
            for (var x = 0; x < 14; x++)
            {
                var (frame, row, col) = (2 * t + dt, (2 * r + i) * 14 + y, (2 * c + j) * 14 + x);
                var value = source[((frame * height + row) * width + col) * 3 + ch];
                var expected = (value / 255.0 - Mean[ch]) / Std[ch];
                var got = actual[token * 1176 + ((ch * 2 + dt) * 14 + y) * 14 + x];
                worst = Math.Max(worst, Math.Abs(got - expected));
            }
        }
        worst.Should().BeLessThan(1e-5);
    }

    [Theory]
    [InlineData(112, 112, 112, 112)]    // already multiples of 28: unchanged
    [InlineData(100, 150, 112, 140)]    // nearest multiples
    [InlineData(70, 42, 56, 56)]        // 2.5 and 1.5 round half to even, as Python's round
    [InlineData(28, 28, 56, 56)]        // below min_pixels (56²): scaled up
    [InlineData(1080, 1920, 560, 1008)] // above max_pixels (28²·768): scaled down, aspect kept
    public void Smart_resize_follows_the_reference_rule(int height, int width, int expectedHeight, int expectedWidth)
    {
        var options = new Qwen25VLEncoderOptions();

        var size = Qwen25VLPreprocessor.SmartResize(height, width, 28, options.MinPixels, options.MaxPixels);

        size.Should().Be((expectedHeight, expectedWidth));
    }

    [Fact]
    public void Frames_of_other_sizes_are_resized_to_multiples_of_28_keeping_their_values()
    {
        using var scope = NewDisposeScope();
        var preprocessor = new Qwen25VLPreprocessor(QwenFixture.Config, new Qwen25VLEncoderOptions());
        // A constant colour survives any interpolation, so every resized pixel must normalise to the same value.
        var frames = tensor(new byte[] { 200, 90, 30 }).view(1, 1, 1, 1, 3).expand(1, 2, 100, 150, 3).contiguous();

        using var input = preprocessor.Preprocess(new VideoFrames(frames, 1.6), CPU);

        input.PatchGrid.Should().Be(new SemanticGrid(1, 8, 10));
        input.Pixels.shape.Should().Equal(1, 80, 1176);
        var channels = input.Pixels.view(80, 3, 392);
        for (var ch = 0; ch < 3; ch++)
        {
            var expected = (new[] { 200, 90, 30 }[ch] / 255.0 - Mean[ch]) / Std[ch];
            using var expectedValue = expected.ToScalar();
            channels[.., ch].sub(expectedValue).abs().max().item<float>().Should().BeLessThan(1e-5f);
        }
    }

    [Fact]
    public void An_odd_frame_count_is_refused_naming_expected_and_found()
    {
        using var encoder = QwenFixture.Encoder();
        using var frames = QwenFixture.Frames(1, 3, 56, 56, seed: 1);

        var act = () => encoder.Preprocess(new VideoFrames(frames, 1.6));

        act.Should().Throw<ArgumentException>().WithMessage("*multiple of 2*T = 3*");
    }

    [Fact]
    public void Frames_that_are_not_uint8_BTHWC_are_refused()
    {
        using var encoder = QwenFixture.Encoder();
        using var floats = zeros([1, 2, 56, 56, 3]);
        using var channelsFirst = zeros([1, 2, 3, 56, 56], dtype: ScalarType.Byte);

        encoder.Invoking(e => e.Preprocess(new VideoFrames(floats, 1.6))).Should().Throw<ArgumentException>().WithMessage("*uint8*Float32*");
        encoder.Invoking(e => e.Preprocess(new VideoFrames(channelsFirst, 1.6))).Should().Throw<ArgumentException>().WithMessage("*(1, 2, 3, 56, 56)*");
    }
}
