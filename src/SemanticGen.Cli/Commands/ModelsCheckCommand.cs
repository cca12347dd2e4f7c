using System.CommandLine;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Runtime;
using SemanticGen.Models.TextEncoder;
using SemanticGen.Models.VideoVae;
using SemanticGen.Weights;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `models check`: parity of a Wan2.1-compatible component with a recorded reference (DIR/config.json,
/// DIR/model.safetensors, DIR/io.safetensors; for flowmatch: DIR/flowmatch_sigmas.json and flowmatch_step.safetensors).
/// Prints the max absolute error per output; exit 0 only if all are ≤ 1e-4.
/// </summary>
internal static class ModelsCheckCommand
{
    private static readonly Dictionary<string, Func<string, string, ParityReport>> Components = new(StringComparer.Ordinal)
    {
        ["wan-vae"] = (dir, device) => WanVaeParity.Check(dir, device),
        ["wan-transformer"] = (dir, device) => WanTransformerParity.Check(dir, device),
        ["umt5"] = (dir, device) => Umt5Parity.Check(dir, device),
        ["flowmatch"] = (dir, _) =>
        {
            using var step = TensorSource.Open(Path.Combine(dir, FlowMatchParity.StepFile));
            return FlowMatchParity.Check(dir, name => step.ReadTensor(name));
        },
    };

    public static Command Build()
    {
        var component = new Option<string>("--component") { Description = "wan-vae, wan-transformer, umt5 or flowmatch.", Required = true };
        component.AcceptOnlyFromAmong([.. Components.Keys]);
        var fixture = new Option<DirectoryInfo>("--fixture") { Description = "Folder with the recorded reference.", Required = true };
        var device = EncoderCliOptions.Device();
        var command = new Command("check", "Check a Wan2.1-compatible component against a recorded reference (max abs error ≤ 1e-4).")
        {
            component, fixture, device,
        };
        command.SetAction((parse, _) => CliFailure.Guard(() =>
            Task.FromResult(Run(parse.GetValue(component)!, parse.GetValue(fixture)!, parse.GetValue(device)!))));
        return command;
    }

    private static int Run(string component, DirectoryInfo fixture, string device)
    {
        if (!fixture.Exists)
            throw new CliUsageException($"{fixture.FullName}: no such fixture folder");
        TorchRuntime.Initialize(device);  // before any torch call: CUDA loads PyTorch's libtorch
        using var exact = ExactFloat32.Enter();  // no TF32: parity bounds are for exact fp32 (CUDA convs default to TF32)
        var report = Components[component](fixture.FullName, device);
        ParityTable.Write(report);
        return report.Passed ? 0 : EncodersCheckCommand.ParityFailed;
    }
}
