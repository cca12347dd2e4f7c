using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Media;
using SemanticGen.Pipeline;
using SemanticGen.Training.Recipes.ShapesV1;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `generate`: text → mp4 + PNG contact sheet through <see cref="ITextToVideoPipeline"/> composed by DI from a
/// pipeline folder (default models/shapes-v1). The same seed gives the same video.
/// </summary>
internal static class GenerateCommand
{
    public const string DefaultPipeline = "models/shapes-v1";

    public static Command Build()
    {
        var prompt = new Option<string>("--prompt") { Description = "The text to generate from.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The mp4 to write (a .png contact sheet is written beside it).", Required = true };
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder (pipeline.json + component files).", DefaultValueFactory = _ => new DirectoryInfo(DefaultPipelineFolder()) };
        var seed = new Option<long>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int?>("--steps") { Description = "Euler steps per generator (default: the pipeline's)." };
        var guidance = new Option<double?>("--guidance") { Description = "Classifier-free guidance weight (default: the pipeline's)." };
        var command = new Command("generate", "Generate a video from text with a trained pipeline (default: the committed shapes-v1).")
        {
            prompt, output, pipeline, seed, steps, guidance,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(
            parse.GetValue(pipeline)!.FullName, parse.GetValue(output)!.FullName,
            new GenerationRequest(parse.GetValue(prompt)!, parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(guidance)), cancellation)));
        return command;
    }

    /// <summary>models/shapes-v1 under the current folder, else under the repository the CLI was built from.</summary>
    public static string DefaultPipelineFolder()
    {
        if (Directory.Exists(DefaultPipeline)) return DefaultPipeline;
        var fromBuild = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", DefaultPipeline);
        return Directory.Exists(fromBuild) ? Path.GetFullPath(fromBuild) : DefaultPipeline;
    }

    private static async Task<int> RunAsync(string pipelineFolder, string output, GenerationRequest request, CancellationToken cancellation)
    {
        request.Validated();
        if (!output.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException($"--out must name an .mp4 file, found '{output}'.");
        await using var services = new ServiceCollection().AddSemanticGenMedia().AddSemanticGenPipeline(pipelineFolder)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var pipeline = services.GetRequiredService<ITextToVideoPipeline>();
        GeneratedVideo video = null!;
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var reporter = new SynchronousProgress<GenerationProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                        tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: Math.Max(p.TotalSteps, 1));
                    task.Value = p.Step;
                });
                video = await pipeline.GenerateAsync(request, output, reporter, cancellation).ConfigureAwait(false);
            }).ConfigureAwait(false);

        foreach (var warning in video.Warnings)
            CliFailure.WriteWarning(warning);
        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("prompt", Markup.Escape(request.Prompt));
        table.AddRow("video", Markup.Escape($"{video.VideoPath} ({video.Frames} frames, {video.Width}×{video.Height}, {video.Fps:0.##} fps)"));
        table.AddRow("contact sheet", Markup.Escape(video.ContactSheetPath ?? "none"));
        table.AddRow("seed", request.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("time", $"{video.Elapsed.TotalSeconds:0.0} s");
        AnsiConsole.Write(table);
        return 0;
    }
}

