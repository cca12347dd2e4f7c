using SemanticGen.Models.TextEncoder;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

public sealed class Umt5ParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Parity_report_passes_on_the_fixture_including_the_padded_row()
    {
        var report = Umt5Parity.Check(Umt5Fixture.Folder);
        output.WriteLine(report.ToString());

        report.Passed.Should().BeTrue(report.ToString());
        report.Measures.Select(m => m.Name).Should().Equal(Umt5Parity.AllPositions, Umt5Parity.TokenPositions, Umt5Parity.PaddingPositions);
        report.Measures.Should().OnlyContain(m => m.MaxAbsError <= 1e-4 && m.Tolerance == 1e-4);
    }

    [Fact]
    public void Forward_reproduces_the_recorded_last_hidden_state()
    {
        using var model = Umt5Fixture.Model();
        var (ids, mask, expected) = Umt5Fixture.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var ours = model.forward(ids, mask);

        ours.shape.Should().Equal(2, 9, 32);
        mask[1].sum().item<long>().Should().BeLessThan(9, "the fixture's second row is padded");
        Umt5Fixture.MaxAbs(ours, expected).Should().BeLessThanOrEqualTo(1e-4f);
        // The padded row is not trivially equal to something else: its outputs differ from the unmasked computation.
        var unmasked = model.forward(ids, null);
        Umt5Fixture.MaxAbs(unmasked[1], expected[1]).Should().BeGreaterThan(1e-3f, "the padding mask must matter");
        Umt5Fixture.MaxAbs(unmasked[0], expected[0]).Should().BeLessThanOrEqualTo(1e-4f, "row 0 has no padding");
    }

    [Fact]
    public void Bfloat16_model_stays_close_to_the_float32_reference()
    {
        using var model = Umt5Weights.FromPretrained(Umt5Fixture.Folder, dtype: ScalarType.BFloat16);
        var (ids, mask, expected) = Umt5Fixture.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var ours = model.forward(ids, mask);

        ours.dtype.Should().Be(ScalarType.BFloat16);
        var error = Umt5Fixture.MaxAbs(ours.to(ScalarType.Float32), expected);
        error.Should().BeLessThan(0.1f);
        error.Should().BeGreaterThan(0f, "bf16 rounds");
    }
}
