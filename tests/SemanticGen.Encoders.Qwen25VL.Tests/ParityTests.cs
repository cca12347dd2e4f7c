namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>The recorded Hugging Face forward pass (tests/fixtures/encoders/qwen2_5_vl_vision) is reproduced.</summary>
public sealed class ParityTests
{
    [Fact]
    public void Reproduces_the_recorded_outputs_from_pixels_and_from_frames()
    {
        var report = Qwen25VLParity.Check(RepoPaths.Fixture("encoders", "qwen2_5_vl_vision"));

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        report.Measures.Select(m => m.Name).Should().BeEquivalentTo(
            "pixel_values → pooler_output", "pixel_values → last_hidden_state", "frames_uint8 → pixel_values", "frames_uint8 → pooler_output");
        report.Measures.Should().AllSatisfy(m => m.MaxAbsError.Should().BeLessThanOrEqualTo(1e-4, m.Name));
        report.Passed.Should().BeTrue();
    }
}
