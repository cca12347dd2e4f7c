using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Hosting.Encoders;
using SemanticGen.Models.Runtime;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `encoders check`: parity of an encoder plugin with a recorded reference forward pass (DIR/config.json,
/// DIR/model.safetensors, DIR/io.safetensors): (a) the recorded preprocessed input, (b) the recorded uint8 frames through
/// the plugin's own preprocessing. Prints the max absolute error per output; exit 0 only if all are ≤ 1e-4.
/// </summary>
internal static class EncodersCheckCommand
{
    public const int ParityFailed = 1;

    public static Command Build()
    {
        var encoder = EncoderCliOptions.Encoder();
        var fixture = new Option<DirectoryInfo>("--fixture") { Description = "Folder with config.json, model.safetensors and io.safetensors.", Required = true };
        var device = EncoderCliOptions.Device();
        var command = new Command("check", "Check an encoder plugin against a recorded reference forward pass (max abs error ≤ 1e-4).")
        {
            encoder, fixture, device,
        };
        command.SetAction((parse, _) => CliFailure.Guard(() =>
            Task.FromResult(Run(parse.GetValue(encoder)!, parse.GetValue(fixture)!, parse.GetValue(device)!))));
        return command;
    }

    private static int Run(string key, DirectoryInfo fixture, string device)
    {
        foreach (var file in new[] { "config.json", "model.safetensors", "io.safetensors" })
        {
            if (!File.Exists(Path.Combine(fixture.FullName, file)))
                throw new CliUsageException($"{fixture.FullName}: missing {file} (a fixture folder holds config.json, model.safetensors and io.safetensors)");
        }

        TorchRuntime.Initialize(device);  // before any torch call: CUDA loads PyTorch's libtorch
        using var services = new ServiceCollection().AddSemanticGenEncoders().BuildServiceProvider();
        var check = services.GetKeyedService<IEncoderParityCheck>(key) ?? throw new CliUsageException(
            $"unknown encoder '{key}'; registered encoders: {string.Join(", ", services.GetServices<ISemanticEncoderFactory>().Select(f => f.Key).Order(StringComparer.Ordinal))}");
        using var exact = ExactFloat32.Enter();  // no TF32: parity bounds are for exact fp32 (CUDA convs default to TF32)
        var report = check.Check(fixture.FullName, device);

        ParityTable.Write(report);
        return report.Passed ? 0 : ParityFailed;
    }
}
