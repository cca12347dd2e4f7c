using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Media;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Training.Recipes.ShapesV1;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `eval-long`: random Shapes World stories through <see cref="LongVideoPipeline"/> (and with --baseline through
/// <see cref="IndependentShotsPipeline"/>, with --story-semantics through <see cref="StorySemanticsPipeline"/>), scored per
/// shot, for identity, continuity and drift (issue 6).
/// </summary>
internal static class EvalLongCommand
{
    public static Command Build()
    {
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder.", DefaultValueFactory = _ => new DirectoryInfo(GenerateCommand.DefaultPipelineFolder()) };
        var stories = new Option<int>("--stories") { Description = "Stories to generate (story i is drawn and generated with seed + i).", DefaultValueFactory = _ => 4 };
        var shots = new Option<int>("--shots") { Description = "Shots per story (30 ≈ 60 s).", DefaultValueFactory = _ => 30 };
        var seed = new Option<long>("--seed") { Description = "Seed of the first story.", DefaultValueFactory = _ => 0 };
        var sampling = new LongVideoSamplingOptions();
        var split = new Option<string>("--split") { Description = "Story subjects and motions from: train (default), holdout or all.", DefaultValueFactory = _ => "train" };
        var baseline = new Option<bool>("--baseline") { Description = "Also evaluate the baseline that generates every shot alone with the short pipeline." };
        var storySemantics = new Option<bool>("--story-semantics") { Description = "Also evaluate stage 2 on the rendered story's semantic features instead of stage 1's plan (a diagnostic that splits errors between the stages)." };
        var json = new Option<FileInfo?>("--json") { Description = "Where to write the results as JSON (default: eval-long.json in the pipeline folder's .work/)." };
        var command = new Command("eval-long", "Evaluate long videos on Shapes World stories: per-shot text-following, identity, continuity, drift.")
        {
            pipeline, stories, shots, seed, split, baseline, storySemantics, json,
        };
        foreach (var option in sampling.All) command.Add(option);
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(pipeline)!.FullName, parse.GetValue(stories),
            parse.GetValue(shots), sampling.Read(parse, parse.GetValue(seed)), parse.GetValue(split)!, parse.GetValue(baseline), parse.GetValue(storySemantics),
            parse.GetValue(json)?.FullName, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, int stories, int shots, LongVideoRequest sampling, string splitName, bool baseline,
        bool storySemantics, string? jsonPath, CancellationToken cancellation)
    {
        var split = splitName.ToLowerInvariant() switch
        {
            "train" => ShapesSplitKind.Train,
            "holdout" => ShapesSplitKind.Holdout,
            "all" => ShapesSplitKind.All,
            _ => throw new CliUsageException($"--split must be train, holdout or all, found '{splitName}'."),
        };
        if (stories < 1) throw new CliUsageException($"--stories must be at least 1, found {stories}.");
        if (shots < 1) throw new CliUsageException($"--shots must be at least 1, found {shots}.");
        LongVideoSamplingOptions.Validate(sampling);
        using var components = PipelineComponents.Load(folder);
        sampling = sampling.ResolvedFor(components.Manifest);                                   // the folder's default sampling of each stage, named in the label and JSON
        await using var services = new ServiceCollection().AddSemanticGenMedia().BuildServiceProvider();
        var writer = services.GetRequiredService<IVideoWriter>();
        var runs = new List<(string Name, ILongVideoPipeline Pipeline)> { ("long (shared semantic plan, shifted windows)" + LongVideoSamplingOptions.RolloutLabel(sampling), new LongVideoPipeline(components, writer)) };
        if (baseline)
            runs.Add(("independent shots (baseline)", new IndependentShotsPipeline(components, writer)));
        if (storySemantics)
            runs.Add(("stage 2 on rendered story semantics (diagnostic)", new StorySemanticsPipeline(components, writer)));

        var results = new List<LongVideoEvaluationResult>();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                foreach (var (name, generator) in runs)
                {
                    var task = context.AddTask(Markup.Escape($"{name}: {stories} × {shots} shots"), maxValue: stories);
                    var reporter = new SynchronousProgress<int>(done => task.Value = done);
                    results.Add(await Task.Run(() => LongVideoEvaluation.Run(components, generator, name, stories, shots, sampling, split,
                        reporter, cancellation), cancellation).ConfigureAwait(false));
                }
            }).ConfigureAwait(false);

        var table = new Table().AddColumn("metric");
        foreach (var r in results) table.AddColumn(new TableColumn(Markup.Escape(r.Pipeline)).RightAligned());
        void Row(string metric, Func<LongVideoEvaluationResult, string> value) => table.AddRow([Markup.Escape(metric), .. results.Select(r => Markup.Escape(value(r)))]);
        Row("shots scored", r => $"{r.Accuracy.Count} ({stories} stories × {shots}, {splitName})");
        Row("per-shot colour / shape / motion / background", r => $"{r.Accuracy.Colour:P0} / {r.Accuracy.Shape:P0} / {r.Accuracy.Motion:P0} / {r.Accuracy.Background:P0}");
        Row("per-shot all correct (target ≥ 70 %)", r => $"{r.Accuracy.AllCorrect:P1}");
        Row("identity consistency (target ≥ 95 %)", r => $"{r.Identity:P1}");
        Row("identity vs the story's most frequent subject (diagnostic)", r => $"{r.ModalIdentity:P1}");
        Row("boundary jump median (target ≤ 4 px)", r => $"{r.MedianJump:0.00} px");
        Row("boundary jump mean", r => $"{r.MeanJump:0.00} px");
        Row("continuity error vs the story rule, median (diagnostic)", r => $"{r.MedianRuleDeviation:0.00} px");
        Row("boundaries without an object", r => $"{r.MissingJumps}");
        Row("Δ temporal flickering (first vs last 15 %)", r => $"{r.FlickeringDrift:0.0000}");
        Row("Δ subject consistency", r => $"{r.ConsistencyDrift:0.0000}");
        Row("Δ all correct", r => $"{r.AllCorrectDrift:0.000}");
        Row("generation time", r => $"{r.SecondsPerStory:0.0} s/story");
        AnsiConsole.Write(table);

        var path = jsonPath ?? Path.Combine(folder, ".work", "eval-long.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var node = new JsonObject
        {
            ["pipeline"] = folder, ["stories"] = stories, ["shots"] = shots, ["seed"] = sampling.Seed, ["steps"] = sampling.Steps, ["guidance"] = sampling.Guidance,
            ["semantic_context"] = sampling.SemanticContext, ["latent_context"] = sampling.LatentContext, ["clean_latent_context"] = sampling.CleanLatentContext, ["clean_semantic_context"] = sampling.CleanSemanticContext, ["semantic_context_guidance"] = sampling.SemanticContextGuidance, ["split"] = splitName.ToLowerInvariant(),
            ["results"] = new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]),
        };
        await File.WriteAllTextAsync(path + ".tmp", node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellation).ConfigureAwait(false);
        File.Move(path + ".tmp", path, overwrite: true);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(path)}");
        return 0;
    }
}
