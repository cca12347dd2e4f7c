using TorchSharp;

namespace SemanticGen.Abstractions.Encoders;

/// <summary>One compared output: the largest absolute difference from the recorded reference.</summary>
public sealed record ParityMeasure(string Name, double MaxAbsError, double Tolerance)
{
    public bool Passed => MaxAbsError <= Tolerance;

    /// <summary>
    /// max |<paramref name="ours"/> − <paramref name="reference"/>| computed in float64 on the CPU; NaN counts as
    /// infinitely wrong. Different shapes are an <see cref="InvalidDataException"/> naming both.
    /// </summary>
    public static double MaxAbsDifference(torch.Tensor ours, torch.Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(reference);
        if (!ours.shape.SequenceEqual(reference.shape))
            throw new InvalidDataException($"shape ({string.Join(", ", ours.shape)}) differs from the recorded ({string.Join(", ", reference.shape)})");
        using var scope = torch.NewDisposeScope();
        var error = ours.to(torch.ScalarType.Float64, torch.CPU).sub(reference.to(torch.ScalarType.Float64, torch.CPU)).abs().max().item<double>();
        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }

    /// <summary>A measure of <paramref name="actual"/> against <paramref name="expected"/>; a shape mismatch is reported (infinite error, both shapes in the name), not thrown.</summary>
    public static ParityMeasure Compare(string name, torch.Tensor actual, torch.Tensor expected, double tolerance) =>
        actual.shape.SequenceEqual(expected.shape)
            ? new ParityMeasure(name, MaxAbsDifference(actual, expected), tolerance)
            : new ParityMeasure($"{name} (shape ({string.Join(", ", actual.shape)}) vs ({string.Join(", ", expected.shape)}))", double.PositiveInfinity, tolerance);

    public override string ToString() => $"{Name}: max abs error {MaxAbsError:0.00e+00} (tolerance {Tolerance:0e+00}) {(Passed ? "ok" : "FAIL")}";
}

/// <summary>The result of reproducing a recorded reference forward pass (a fixture folder).</summary>
public sealed record ParityReport(string Encoder, string Fixture, IReadOnlyList<ParityMeasure> Measures)
{
    public bool Passed => Measures.Count > 0 && Measures.All(m => m.Passed);

    public override string ToString() =>
        string.Join(Environment.NewLine, [$"{Encoder} parity on {Fixture}: {(Passed ? "passed" : "FAILED")}", .. Measures.Select(m => "  " + m)]);
}
