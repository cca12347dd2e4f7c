using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>Our encoder against the recorded Hugging Face VJEPA2Model pass (transformers 5.17, float32).</summary>
public sealed class ParityTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Both_paths_match_the_recorded_last_hidden_state()
    {
        var report = VJepa2Parity.Check(Fixture.Folder);

        TestContext.Current.TestOutputHelper!.WriteLine(report.ToString());
        report.Measures.Select(m => m.Name).Should().Equal(VJepa2Parity.PixelsToHiddenState, VJepa2Parity.FramesToPixels, VJepa2Parity.FramesToHiddenState);
        report.Measures.Should().AllSatisfy(m => m.MaxAbsError.Should().BeLessThanOrEqualTo(Tolerance, m.Name));
        report.Passed.Should().BeTrue();
    }

    [Fact]
    public void Recorded_pixels_give_the_recorded_tokens_grid_and_slots()
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());
        using var pixels = Fixture.Read("pixel_values_videos");
        using var expected = Fixture.Read("last_hidden_state");
        using var input = new PreprocessedVideo(pixels.alias(), new SemanticGrid(2, 4, 4), 1.6);

        using var features = encoder.Encode(input);

        features.Grid.Should().Be(new SemanticGrid(2, 4, 4));
        features.Tokens.shape.Should().Equal(1, 32, 64);
        Fixture.MaxAbs(features.Tokens, expected).Should().BeLessThanOrEqualTo(Tolerance);
        features.Slots.Should().Equal(SlotSpan.Consecutive(2, 2, 1.6));
        features.Slots[1].Start.Should().Be(TimeSpan.FromSeconds(1.25));
        encoder.Info.Should().Be(new SemanticEncoderInfo("vjepa2", 64, 1.6, new EncoderInputRules(2, 16, 64, 64, 4)));
    }
}
