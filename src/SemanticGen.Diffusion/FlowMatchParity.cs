using System.Text.Json;
using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Diffusion;

/// <summary>
/// Parity against diffusers' <c>FlowMatchEulerDiscreteScheduler</c> recordings (a folder like
/// <c>tests/fixtures/wan</c>): <c>flowmatch_sigmas.json</c> (sigmas and timesteps for several shifts and step counts)
/// and <c>flowmatch_step.safetensors</c> (one <c>step()</c> at shift 5, 10 steps, first timestep:
/// <c>sample</c>, <c>model_output</c> → <c>prev_sample</c>).
/// </summary>
public static class FlowMatchParity
{
    public const string SigmasFile = "flowmatch_sigmas.json";
    public const string StepFile = "flowmatch_step.safetensors";

    /// <summary>The agreed bound on every compared value's max absolute error.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// One measure per recorded (shift, steps) case (sigmas and timesteps/1000 together), then one for the step.
    /// This project does not reference SemanticGen.Weights, so the caller reads the step tensors:
    /// <paramref name="readStepTensor"/> gets a name (<c>sample</c>, <c>model_output</c>, <c>prev_sample</c>) and returns
    /// that tensor of <c>flowmatch_step.safetensors</c> (e.g. <c>TensorSource.Open(path).ReadTensor</c>); the results
    /// are disposed here.
    /// </summary>
    public static ParityReport Check(string fixtureDir, Func<string, Tensor> readStepTensor)
    {
        ArgumentNullException.ThrowIfNull(readStepTensor);
        var measures = new List<ParityMeasure>();
        foreach (var recorded in ReadSigmas(Path.Combine(fixtureDir, SigmasFile)))
        {
            var ours = FlowMatchSchedule.DiffusersSigmas(FlowMatchSchedule.TrainTimesteps, recorded.Shift, recorded.Steps);
            var error = Math.Max(MaxAbs(ours.Sigmas, recorded.Sigmas),
                MaxAbs(ours.Timesteps, recorded.Timesteps) / FlowMatchSchedule.TrainTimesteps);
            measures.Add(new ParityMeasure($"sigmas, timesteps/1000 (shift {recorded.Shift}, {recorded.Steps} steps)", error, Tolerance));
        }

        var grid = FlowMatchSchedule.DiffusersSigmas(FlowMatchSchedule.TrainTimesteps, 5.0, 10);
        using var scope = NewDisposeScope();
        var sample = readStepTensor("sample");
        var modelOutput = readStepTensor("model_output");
        var expected = readStepTensor("prev_sample");
        var next = FlowMatchSampler.EulerStep(sample, modelOutput, grid.Sigmas[0], grid.Sigmas[1]);
        if (!next.shape.SequenceEqual(expected.shape))
            throw new InvalidDataException($"{StepFile}: prev_sample has shape ({string.Join(", ", expected.shape)}), ours ({string.Join(", ", next.shape)}).");
        var stepError = next.to(ScalarType.Float64).sub(expected.to(ScalarType.Float64)).abs().max().item<double>();
        measures.Add(new ParityMeasure("step (shift 5, 10 steps, first timestep) -> prev_sample", double.IsNaN(stepError) ? double.PositiveInfinity : stepError, Tolerance));
        return new ParityReport("flowmatch", fixtureDir, measures);
    }

    /// <summary>One recorded case of <c>flowmatch_sigmas.json</c>.</summary>
    public sealed record RecordedGrid(double Shift, int Steps, IReadOnlyList<double> Sigmas, IReadOnlyList<double> Timesteps);

    /// <summary>Reads <c>flowmatch_sigmas.json</c>: an array of {shift, steps, sigmas, timesteps}.</summary>
    public static IReadOnlyList<RecordedGrid> ReadSigmas(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(item => new RecordedGrid(
            item.GetProperty("shift").GetDouble(),
            item.GetProperty("steps").GetInt32(),
            item.GetProperty("sigmas").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            item.GetProperty("timesteps").EnumerateArray().Select(v => v.GetDouble()).ToArray())).ToList();
    }

    private static double MaxAbs(IReadOnlyList<double> ours, IReadOnlyList<double> recorded)
    {
        if (ours.Count != recorded.Count)
            throw new InvalidDataException($"{SigmasFile}: {recorded.Count} values recorded, {ours.Count} computed.");
        return ours.Zip(recorded, (a, b) => Math.Abs(a - b)).Max();
    }
}
