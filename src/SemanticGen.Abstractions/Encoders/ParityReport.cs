namespace SemanticGen.Abstractions.Encoders;

/// <summary>One compared output: the largest absolute difference from the recorded reference.</summary>
public sealed record ParityMeasure(string Name, double MaxAbsError, double Tolerance)
{
    public bool Passed => MaxAbsError <= Tolerance;

    public override string ToString() => $"{Name}: max abs error {MaxAbsError:0.00e+00} (tolerance {Tolerance:0e+00}) {(Passed ? "ok" : "FAIL")}";
}

/// <summary>The result of reproducing a recorded reference forward pass (a fixture folder).</summary>
public sealed record ParityReport(string Encoder, string Fixture, IReadOnlyList<ParityMeasure> Measures)
{
    public bool Passed => Measures.Count > 0 && Measures.All(m => m.Passed);

    public override string ToString() =>
        string.Join(Environment.NewLine, [$"{Encoder} parity on {Fixture}: {(Passed ? "passed" : "FAILED")}", .. Measures.Select(m => "  " + m)]);
}
