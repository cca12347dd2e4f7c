using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>`video probe`: what ffprobe finds in a local video file, after the same checks every read goes through.</summary>
internal static class VideoProbeCommand
{
    public static Command Build()
    {
        var video = new Argument<FileInfo>("video") { Description = "A local video file." };
        var command = new Command("probe", "Show a video's duration, size, frame rate, frame count and codec.") { video };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(video)!, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo video, CancellationToken cancellation)
    {
        await using var services = CliServices.Build();
        var info = await services.GetRequiredService<IVideoReader>().ProbeAsync(video.FullName, cancellation).ConfigureAwait(false);
        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("file", Markup.Escape(info.Path));
        table.AddRow("duration", $"{info.Duration.TotalSeconds:0.###} s");
        table.AddRow("size", $"{info.Width}×{info.Height}");
        table.AddRow("frame rate", $"{info.FrameRate:0.###} fps");
        table.AddRow("frames", $"{info.FrameCount}");
        table.AddRow("codec", Markup.Escape(info.Codec));
        AnsiConsole.Write(table);
        return 0;
    }
}
