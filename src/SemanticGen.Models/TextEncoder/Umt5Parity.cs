using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.TextEncoder;

/// <summary>
/// Parity against a recorded <c>UMT5EncoderModel</c> forward pass (a folder like
/// <c>tests/fixtures/wan/umt5_encoder</c>: HF <c>config.json</c>, <c>model.safetensors</c>, and <c>io.safetensors</c>
/// holding <c>input_ids</c> (B, L), <c>attention_mask</c> (B, L) and <c>last_hidden_state</c> (B, L, D)).
/// </summary>
public static class Umt5Parity
{
    public const string Encoder = "umt5";

    /// <summary>Every recorded position.</summary>
    public const string AllPositions = "input_ids, attention_mask -> last_hidden_state";

    /// <summary>Positions whose mask is 1.</summary>
    public const string TokenPositions = "last_hidden_state at tokens (mask 1)";

    /// <summary>Positions whose mask is 0 (the reference still computes them: padding queries are not masked).</summary>
    public const string PaddingPositions = "last_hidden_state at padding (mask 0)";

    /// <summary>The agreed bound on every output's max absolute error (the reference's outputs are O(1)).</summary>
    public const double Tolerance = 1e-4;

    public static ParityReport Check(string fixtureDir, string device = "cpu")
    {
        var target = new Device(device);
        using var model = Umt5Weights.FromPretrained(fixtureDir, target);
        using var io = TensorSource.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var scope = NewDisposeScope();
        var inputIds = io.ReadTensor("input_ids").to(target);                     // (B, L)
        var mask = io.ReadTensor("attention_mask").to(target);                    // (B, L)
        var recorded = io.ReadTensor("last_hidden_state").to(ScalarType.Float64); // (B, L, D)

        Tensor ours;
        using (no_grad())
            ours = model.forward(inputIds, mask).cpu().to(ScalarType.Float64);     // (B, L, D)
        if (!ours.shape.SequenceEqual(recorded.shape))
            throw new InvalidDataException($"shape ({string.Join(", ", ours.shape)}) differs from the recorded ({string.Join(", ", recorded.shape)}).");
        var error = ours.sub(recorded).abs().amax([-1]);                           // (B, L)
        var isToken = mask.cpu().ne(0L);
        var measures = new List<ParityMeasure>
        {
            new(AllPositions, MaxOf(error), Tolerance),
            new(TokenPositions, MaxOf(error.masked_select(isToken)), Tolerance),
        };
        if (isToken.logical_not().any().item<bool>())
            measures.Add(new ParityMeasure(PaddingPositions, MaxOf(error.masked_select(isToken.logical_not())), Tolerance));
        return new ParityReport(Encoder, fixtureDir, measures);
    }

    private static double MaxOf(Tensor errors)
    {
        var value = errors.max().item<double>();
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }
}
