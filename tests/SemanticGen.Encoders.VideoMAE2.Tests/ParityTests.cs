using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>Our VideoMAE against the recorded Hugging Face forward pass (≤ 1e-4, tests/fixtures/encoders/README.md).</summary>
public sealed class ParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Recorded_pixel_values_give_the_recorded_hidden_state()
    {
        using var encoder = Fixture.CreateEncoder();
        using var input = Fixture.Pixels(encoder, Fixture.Io("pixel_values"));
        using var features = encoder.Encode(input);
        using var expected = Fixture.Io("last_hidden_state");

        var error = Fixture.MaxAbs(features.Tokens, expected);
        output.WriteLine($"pixel_values → last_hidden_state: max abs error {error:E2}");
        error.Should().BeLessThanOrEqualTo(1e-4);
        features.Grid.Should().Be(new SemanticGrid(2, 4, 4));
    }

    [Fact]
    public void Recorded_frames_through_our_preprocessing_give_the_recorded_pixels_and_hidden_state()
    {
        using var encoder = Fixture.CreateEncoder();
        using var frames = Fixture.Io("frames_uint8").unsqueeze(0);
        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));
        using var features = encoder.Encode(input);
        using var pixels = Fixture.Io("pixel_values");
        using var expected = Fixture.Io("last_hidden_state");

        var pixelError = Fixture.MaxAbs(input.Pixels, pixels);
        var error = Fixture.MaxAbs(features.Tokens, expected);
        output.WriteLine($"frames_uint8 → pixel_values: {pixelError:E2}; frames_uint8 → last_hidden_state: {error:E2}");
        pixelError.Should().BeLessThanOrEqualTo(1e-5);
        error.Should().BeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void The_parity_api_reports_all_three_errors_within_tolerance()
    {
        var report = VideoMAE2Parity.Check(Fixture.Folder);

        output.WriteLine(report.ToString());
        report.Encoder.Should().Be("videomae2");
        report.Measures.Select(m => m.Name).Should().Equal(
            VideoMAE2Parity.PixelsToHiddenState, VideoMAE2Parity.FramesToPixels, VideoMAE2Parity.FramesToHiddenState);
        report.Measures.Should().OnlyContain(m => m.Tolerance == 1e-4 && m.MaxAbsError > 0, "float32 cannot match another implementation bit for bit");
        report.Passed.Should().BeTrue();
    }
}
