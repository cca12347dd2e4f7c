using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.Captioned;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `data check`: validates a captioned video folder (DIR/captions.jsonl + the videos it names) the way training
/// will read it, probing every video; the first problem is reported with its file and line.
/// </summary>
internal static class DataCheckCommand
{
    public static Command Build()
    {
        var folder = new Option<DirectoryInfo>("--dir") { Description = "The folder holding captions.jsonl and the videos.", Required = true };
        var command = new Command("check", "Validate a captioned video folder (captions.jsonl and every video it names).") { folder };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(folder)!, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo folder, CancellationToken cancellation)
    {
        var dataset = CaptionedVideoFolder.Load(folder.FullName);
        await using var services = CliServices.Build();
        var reader = services.GetRequiredService<IVideoReader>();
        var total = TimeSpan.Zero;
        long frames = 0;
        var sizes = new SortedSet<string>(StringComparer.Ordinal);
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("probing videos", maxValue: Math.Max(1, dataset.Videos.Count));
            foreach (var entry in dataset.Videos)
            {
                var info = await reader.ProbeAsync(entry.FullPath, cancellation).ConfigureAwait(false);
                total += info.Duration;
                frames += info.FrameCount;
                sizes.Add($"{info.Width}×{info.Height}@{info.FrameRate:0.##}");
                task.Increment(1);
            }
        }).ConfigureAwait(false);

        AnsiConsole.MarkupLine(
            $"{Markup.Escape(dataset.Directory)}: {dataset.Videos.Count} videos, {total.TotalSeconds:0.0} s, {frames} frames; " +
            $"formats {Markup.Escape(string.Join(", ", sizes))}");
        return 0;
    }
}
