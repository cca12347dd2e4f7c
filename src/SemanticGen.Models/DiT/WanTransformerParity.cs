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
        return new ParityReport(Component, fixtureDir, [new ParityMeasure(Measure, ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output")), Tolerance)]);
    }
}
