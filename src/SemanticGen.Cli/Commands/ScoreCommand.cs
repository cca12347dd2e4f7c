using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `score`: pixel-analysis scoring of one video against a Shapes World prompt (shapes-world.md, "Scoring").
/// Prints JSON (detected colour, shape, motion, background; which match). Exit 0 when scored, 2 when the file is
/// unreadable or the prompt is outside the caption grammar.
/// </summary>
internal static class ScoreCommand
{
    public static Command Build()
    {
        var video = new Option<FileInfo>("--video") { Description = "The video file to score.", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "A Shapes World caption, e.g. \"a red circle moves right on a gray background\".", Required = true };
        var command = new Command("score", "Score a video against a Shapes World prompt by pixel analysis; prints JSON.") { video, prompt };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(video)!, parse.GetValue(prompt)!, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo video, string prompt, CancellationToken cancellation)
    {
        // The prompt is checked first: it costs nothing and a typo should not wait for a decode.
        if (!ShapesCaption.TryParse(prompt, out var composition, out var problem))
        {
            CliFailure.WriteError($"prompt outside the Shapes World grammar: {problem}");
            return CliFailure.UsageOrInput;
        }

        await using var services = CliServices.Build();
        var score = await DataSynthCommand.ScoreFileAsync(
            services.GetRequiredService<IVideoReader>(), new ShapesScorer(), video.FullName, composition, cancellation).ConfigureAwait(false);
        var json = score.ToJson();
        json["video"] = video.FullName;
        Console.Out.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
