using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Hosting.Encoders;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench encoders`: forward throughput (frames/s) and peak resident memory of each encoder plugin at a stated size,
/// with randomly initialised weights of a published preset (speed does not depend on the values). Peak memory is the
/// process's VmHWM, reset before each encoder through /proc/self/clear_refs.
/// </summary>
internal static class BenchEncodersCommand
{
    private static readonly Dictionary<string, string> SmallestPublished = new(StringComparer.Ordinal)
    {
        ["qwen2.5-vl"] = "3b",
        ["vjepa2"] = "vit-l",
        ["videomae2"] = "base",
    };

    public static Command Build()
    {
        var encoder = new Option<string[]>("--encoder") { Description = "Encoder keys (default: all registered).", AllowMultipleArgumentsPerToken = true };
        var preset = new Option<string?>("--preset") { Description = "Published size (default: the smallest: 3b, vit-l, base); with one --encoder only." };
        var frames = new Option<int>("--frames") { Description = "Frames per clip.", DefaultValueFactory = _ => 16 };
        var size = new Option<int>("--size") { Description = "Square frame size in pixels (each plugin resizes/crops to its rule).", DefaultValueFactory = _ => 224 };
        var iterations = new Option<int>("--iterations") { Description = "Timed forward passes (after one warm-up).", DefaultValueFactory = _ => 2 };
        var command = new Command("encoders", "Measure each encoder's throughput (frames/s) and peak memory at a stated size on CPU.")
        {
            encoder, preset, frames, size, iterations,
        };
        command.SetAction((parse, _) => CliFailure.Guard(() => Task.FromResult(Run(
            parse.GetValue(encoder) ?? [], parse.GetValue(preset), parse.GetValue(frames), parse.GetValue(size), parse.GetValue(iterations)))));
        return command;
    }

    private static int Run(string[] keys, string? preset, int frameCount, int size, int iterations)
    {
        if (frameCount < 2 || frameCount % 2 != 0 || size < 28 || iterations < 1)
            throw new ArgumentException($"need an even --frames ≥ 2, --size ≥ 28 and --iterations ≥ 1; found {frameCount}, {size}, {iterations}");
        using var services = new ServiceCollection().AddSemanticGenEncoders().BuildServiceProvider();
        var factories = services.GetServices<ISemanticEncoderFactory>().ToDictionary(factory => factory.Key, StringComparer.Ordinal);
        var selected = keys.Length == 0 ? factories.Keys.Order(StringComparer.Ordinal).ToArray() : keys;
        if (preset is not null && selected.Length != 1)
            throw new ArgumentException("--preset needs exactly one --encoder");

        var table = new Table().AddColumn("encoder").AddColumn("size").AddColumn("tokens").AddColumn(new TableColumn("ms / clip").RightAligned())
            .AddColumn(new TableColumn("frames/s").RightAligned()).AddColumn(new TableColumn("peak RSS").RightAligned());
        using var clip = torch.randint(0, 256, [1, frameCount, size, size, 3], dtype: torch.ScalarType.Byte);  // (1, T, S, S, 3)
        foreach (var key in selected)
        {
            if (!factories.TryGetValue(key, out var factory))
                throw new ArgumentException($"unknown encoder '{key}'; registered encoders: {string.Join(", ", factories.Keys.Order(StringComparer.Ordinal))}");
            var presetName = preset ?? SmallestPublished.GetValueOrDefault(key)
                ?? throw new ArgumentException($"no default preset for '{key}'; pass --preset");

            PeakMemory.Reset();
            using var encoder = factory.Create(new SemanticEncoderSettings(key, Preset: presetName));
            var input = new VideoFrames(clip, encoder.Info.PreferredFps);
            using (torch.no_grad())
            {
                encoder.Encode(input).Dispose();  // warm-up: caches (RoPE tables, window layouts), allocator
                var clock = Stopwatch.StartNew();
                SemanticGrid grid = default;
                for (var i = 0; i < iterations; i++)
                {
                    using var features = encoder.Encode(input);
                    grid = features.Grid;
                }

                var perClip = clock.Elapsed.TotalMilliseconds / iterations;
                table.AddRow(key, $"{presetName}, {frameCount}×{size}²", $"{grid.Count} ({grid})", $"{perClip:0}",
                    $"{frameCount / (perClip / 1000):0.0}", $"{PeakMemory.ResidentMiB():0} MiB");
            }
        }

        AnsiConsole.Write(table);
        Console.Out.WriteLine($"CPU threads: {torch.get_num_threads()}; float32; random weights of the named preset.");
        return 0;
    }
}
