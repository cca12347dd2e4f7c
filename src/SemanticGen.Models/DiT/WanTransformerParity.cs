using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Parity against a recorded diffusers forward pass (a folder like <c>tests/fixtures/wan/wan_transformer</c>:
/// <c>config.json</c>, <c>model.safetensors</c>, and <c>io.safetensors</c> holding <c>hidden_states</c>,
/// <c>timestep</c>, <c>encoder_hidden_states</c> and <c>output</c>).
/// </summary>
public static class WanTransformerParity
{
    public const string Component = "wan-transformer";

    /// <summary>The one compared output.</summary>
    public const string Measure = "(hidden_states, timestep, encoder_hidden_states) -> output";

    /// <summary>The agreed bound on the max absolute error (the reference's outputs are O(1)).</summary>
    public const double Tolerance = 1e-4;

    public static ParityReport Check(string fixtureDir, string device = "cpu")
    {
        using var model = WanTransformerWeights.Load(fixtureDir, new Device(device));
        using var io = TensorSource.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var target = new Device(device);
        var output = model.forward(
            io.ReadTensor("hidden_states").to(target),
            io.ReadTensor("timestep").to(target),
            io.ReadTensor("encoder_hidden_states").to(target));
        return new ParityReport(Component, fixtureDir, [new ParityMeasure(Measure, MaxAbs(output, io.ReadTensor("output")), Tolerance)]);
    }

    internal static double MaxAbs(Tensor ours, Tensor reference)
    {
        if (!ours.shape.SequenceEqual(reference.shape))
            throw new InvalidDataException($"shape ({string.Join(", ", ours.shape)}) differs from the recorded ({string.Join(", ", reference.shape)}).");
        using var scope = NewDisposeScope();
        var error = (ours.cpu().to(ScalarType.Float64) - reference.cpu().to(ScalarType.Float64)).abs().max().item<double>();
        return double.IsNaN(error) ? double.PositiveInfinity : error;
    }
}
