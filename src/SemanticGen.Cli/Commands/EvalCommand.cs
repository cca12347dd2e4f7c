using System.CommandLine;
using System.Text.Json;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Evaluation;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `eval`: generates N clips from the prompts of a Shapes World split with a pipeline and prints (and writes as JSON)
/// the text-following accuracy per attribute and all-correct, temporal flickering, motion smoothness and subject
/// consistency (docs/method.md §7).
/// </summary>
internal static class EvalCommand
{
    public static Command Build()
    {
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder.", DefaultValueFactory = _ => new DirectoryInfo(GenerateCommand.DefaultPipelineFolder()) };
        var split = new Option<string>("--split") { Description = "Prompts from: holdout (compositions never trained on) or train.", DefaultValueFactory = _ => "holdout" };
        var count = new Option<int>("--count") { Description = "Clips to generate (prompts cycle through the split's compositions).", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "Seed of the first clip (clip k uses seed + k) and of the prompt order.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "Euler steps per generator (default: the pipeline's)." };
        var guidance = new Option<double?>("--guidance") { Description = "Guidance weight (default: the pipeline's)." };
        var reconstruct = new Option<bool>("--reconstruction") { Description = "Score rendered clips of the prompts passed through the VAE instead of generated ones (the ceiling a perfect generator reaches)." };
        var clipSemantics = new Option<bool>("--clip-semantics") { Description = "Stage 2 alone: condition it on the z_sem of a rendered clip of each prompt instead of stage 1's (with the generated run, splits errors between the stages)." };
        var json = new Option<FileInfo?>("--json") { Description = "Where to write the results as JSON (default: eval-SPLIT.json in the pipeline folder's .work/)." };
        var command = new Command("eval", "Evaluate a pipeline on Shapes World prompts: text-following accuracy and video-quality metrics.")
        {
            pipeline, split, count, seed, steps, guidance, reconstruct, clipSemantics, json,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(pipeline)!.FullName, parse.GetValue(split)!,
            parse.GetValue(count), parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(guidance), KindOf(parse.GetValue(reconstruct), parse.GetValue(clipSemantics)), parse.GetValue(json)?.FullName, cancellation)));
        return command;
    }

    /// <summary>What the evaluated clips are.</summary>
    private enum EvalKind { Generated, VaeReconstruction, ClipSemantics }

    private static EvalKind KindOf(bool reconstruction, bool clipSemantics) => (reconstruction, clipSemantics) switch
    {
        (true, true) => throw new CliUsageException("--reconstruction and --clip-semantics exclude each other: pick one."),
        (true, false) => EvalKind.VaeReconstruction,
        (false, true) => EvalKind.ClipSemantics,
        _ => EvalKind.Generated,
    };

    private static async Task<int> RunAsync(string folder, string splitName, int count, long seed, int? steps, double? guidance, EvalKind kind, string? jsonPath, CancellationToken cancellation)
    {
        var split = splitName.ToLowerInvariant() switch
        {
            "holdout" => ShapesSplitKind.Holdout,
            "train" => ShapesSplitKind.Train,
            _ => throw new CliUsageException($"--split must be holdout or train, found '{splitName}'."),
        };
        if (count < 1) throw new CliUsageException($"--count must be at least 1, found {count}.");
        using var components = PipelineComponents.Load(folder);
        ShapesEvaluationResult result = null!;
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(context =>
            {
                var task = context.AddTask($"{(kind == EvalKind.VaeReconstruction ? "reconstructing" : "generating")} {count} {splitName} clips", maxValue: count);
                var reporter = new Training.Recipes.ShapesV1.SynchronousProgress<int>(done => task.Value = done);
                return Task.Run(() => result = kind switch
                {
                    EvalKind.VaeReconstruction => ShapesEvaluation.RunReconstruction(components, split, count, seed, reporter, cancellation),
                    EvalKind.ClipSemantics => ShapesEvaluation.RunFromClipSemantics(components, split, count, seed, steps, guidance, reporter, cancellation),
                    _ => ShapesEvaluation.Run(components, split, count, seed, steps, guidance, reporter, cancellation),
                }, cancellation);
            }).ConfigureAwait(false);

        var a = result.Accuracy;
        var table = new Table().AddColumn("metric").AddColumn("value");
        table.AddRow("clips", $"{a.Count} ({splitName}{kind switch { EvalKind.VaeReconstruction => ", VAE reconstructions of rendered clips", EvalKind.ClipSemantics => ", stage 2 from rendered clips' z_sem", _ => ", generated" }})");
        table.AddRow("colour", $"{a.Colour:P1}");
        table.AddRow("shape", $"{a.Shape:P1}");
        table.AddRow("motion", $"{a.Motion:P1}");
        table.AddRow("background", $"{a.Background:P1}");
        table.AddRow("all four correct", $"{a.AllCorrect:P1}");
        table.AddRow("temporal flickering", $"{result.Flickering:0.0000}");
        table.AddRow("motion smoothness", $"{result.Smoothness:0.0000}");
        table.AddRow("subject consistency", $"{result.SubjectConsistency:0.0000}");
        table.AddRow("generation time", $"{result.SecondsPerClip:0.00} s/clip");
        AnsiConsole.Write(table);

        var path = jsonPath ?? Path.Combine(folder, ".work", $"eval-{splitName.ToLowerInvariant()}{kind switch { EvalKind.VaeReconstruction => "-reconstruction", EvalKind.ClipSemantics => "-clip-semantics", _ => "" }}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var node = result.ToJson();
        node["pipeline"] = folder;
        node["seed"] = seed;
        node["kind"] = kind switch { EvalKind.VaeReconstruction => "vae-reconstruction", EvalKind.ClipSemantics => "stage2-from-clip-semantics", _ => "generated" };
        await File.WriteAllTextAsync(path + ".tmp", node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellation).ConfigureAwait(false);
        File.Move(path + ".tmp", path, overwrite: true);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(path)}");
        return 0;
    }
}
