using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.Captioned;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `data synth`: renders Shapes World clips of one split to DIR/*.mp4 plus DIR/captions.jsonl, then (unless
/// --no-verify) decodes every written mp4 and scores it against its caption, so a broken encoder, decoder or
/// renderer shows up as accuracy below 100 %.
/// </summary>
internal static class DataSynthCommand
{
    public const string CaptionsFile = "captions.jsonl";

    public static Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the clips and captions.jsonl into.", Required = true };
        var count = new Option<int>("--count") { Description = "Number of clips.", DefaultValueFactory = _ => 32 };
        var split = new Option<string>("--split") { Description = "Which compositions: train or holdout.", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "holdout");
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed and split give the same clips.", DefaultValueFactory = _ => 0 };
        var sheets = new Option<bool>("--contact-sheets") { Description = "Also write a PNG contact sheet beside each clip." };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip decoding and scoring the written clips." };
        var force = new Option<bool>("--force") { Description = "Replace an existing captions.jsonl in the folder." };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1_000_000)
                result.AddError($"--count must be within 1–1000000, found {result.GetValueOrDefault<int>()}");
        });

        var command = new Command("synth", "Render Shapes World clips (mp4 + captions.jsonl) of a split, then score them.")
        {
            output, count, split, seed, sheets, noVerify, force,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(
            parse.GetValue(output)!, parse.GetValue(count), parse.GetValue(split)!, parse.GetValue(seed),
            parse.GetValue(sheets), !parse.GetValue(noVerify), parse.GetValue(force), cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(
        DirectoryInfo output, int count, string splitName, long seed, bool contactSheets, bool verify, bool force, CancellationToken cancellation)
    {
        var split = splitName == "holdout" ? ShapesSplitKind.Holdout : ShapesSplitKind.Train;
        var captionsPath = Path.Combine(output.FullName, CaptionsFile);
        if (File.Exists(captionsPath) && !force)
            throw new CliUsageException($"{captionsPath} exists; pass --force to replace the dataset in that folder");
        output.Create();

        await using var services = CliServices.Build();
        var writer = services.GetRequiredService<IVideoWriter>();
        var reader = services.GetRequiredService<IVideoReader>();
        var source = new ShapesClipSource(seed, split);
        var scorer = new ShapesScorer();
        var request = new VideoWriteRequest(source.Options.Fps, ContactSheet: contactSheets);
        var scores = new List<ShapesScore>(verify ? count : 0);
        var clock = Stopwatch.StartNew();

        // Captions go to a temporary file that replaces captions.jsonl only once every clip is on disk.
        var pendingCaptions = captionsPath + ".partial";
        using (var captions = new CaptionsJsonlWriter(pendingCaptions))
        {
            await AnsiConsole.Progress().Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{splitName} clips", maxValue: count);
                    for (var index = 0; index < count; index++)
                    {
                        var clip = source.ClipAt(index);
                        var name = $"shapes_{splitName}_s{seed}_{index:D6}.mp4";
                        var path = Path.Combine(output.FullName, name);
                        using (var frames = source.Render(clip))
                            await writer.WriteAsync(path, frames, request, cancellation).ConfigureAwait(false);
                        captions.Write(name, clip.Composition.Caption);
                        if (verify)
                            scores.Add(await ScoreFileAsync(reader, scorer, path, clip.Composition, cancellation).ConfigureAwait(false));
                        task.Increment(1);
                    }
                }).ConfigureAwait(false);
        }

        File.Move(pendingCaptions, captionsPath, overwrite: true);
        PrintSummary(output.FullName, count, splitName, seed, clock.Elapsed, verify ? ShapesAccuracy.Of(scores) : null);
        return 0;
    }

    internal static async Task<ShapesScore> ScoreFileAsync(
        IVideoReader reader, ShapesScorer scorer, string path, ShapesComposition prompt, CancellationToken cancellation)
    {
        using var frames = await reader.ReadAllFramesAsync(path, new FrameReadRequest(), cancellation).ConfigureAwait(false);
        return scorer.Score(frames, prompt);
    }

    private static void PrintSummary(string folder, int count, string split, long seed, TimeSpan elapsed, ShapesAccuracy? accuracy)
    {
        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("folder", Markup.Escape(folder));
        table.AddRow("clips", $"{count} ({split}, seed {seed})");
        table.AddRow("time", $"{elapsed.TotalSeconds:0.0} s ({elapsed.TotalMilliseconds / count:0} ms per clip)");
        if (accuracy is not null)
        {
            table.AddRow("scored from mp4", $"colour {accuracy.Colour:P0}, shape {accuracy.Shape:P0}, motion {accuracy.Motion:P0}, " +
                                            $"background {accuracy.Background:P0}, all correct {accuracy.AllCorrect:P0}");
        }

        AnsiConsole.Write(table);
    }
}
