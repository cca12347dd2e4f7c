using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Media;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Planning;
using SemanticGen.Training.Recipes.ShapesV1;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `generate-long`: story outline → shot plan (offline planner, or an OpenAI-compatible chat model) →
/// <see cref="LongVideoPipeline"/> → mp4 + contact sheet (issue 6). `--plan-only` prints the plan as JSON and exits.
/// </summary>
internal static class GenerateLongCommand
{
    public static Command Build()
    {
        var outline = new Option<FileInfo>("--outline") { Description = "Text file with the story outline.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "The mp4 to write (a .png contact sheet beside it); required unless --plan-only." };
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder.", DefaultValueFactory = _ => new DirectoryInfo(GenerateCommand.DefaultPipelineFolder()) };
        var seed = new Option<long>("--seed") { Description = "Seed (shot s draws the noise of a single clip of seed + s).", DefaultValueFactory = _ => 0 };
        var sampling = new LongVideoSamplingOptions();
        var planOnly = new Option<bool>("--plan-only") { Description = "Print the shot plan as JSON and exit." };
        var endpoint = new Option<string?>("--planner-endpoint") { Description = "OpenAI-compatible base URL (e.g. http://localhost:11434/v1) to plan with a chat model instead of the offline planner." };
        var model = new Option<string?>("--planner-model") { Description = "The chat model id for --planner-endpoint." };
        var command = new Command("generate-long", "Generate a long video (one shot per planned step, back to back) from a story outline.")
        {
            outline, output, pipeline, seed, planOnly, endpoint, model,
        };
        foreach (var option in sampling.All) command.Add(option);
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(
            parse.GetValue(outline)!.FullName, parse.GetValue(output)?.FullName, parse.GetValue(pipeline)!.FullName,
            sampling.Read(parse, parse.GetValue(seed)), parse.GetValue(planOnly),
            parse.GetValue(endpoint), parse.GetValue(model), cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string outlinePath, string? output, string pipelineFolder, LongVideoRequest request, bool planOnly,
        string? endpoint, string? model, CancellationToken cancellation)
    {
        if (!File.Exists(outlinePath)) throw new CliUsageException($"--outline: file not found: {outlinePath}");
        LongVideoSamplingOptions.Validate(request);
        if (!planOnly && (output is null || !output.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase)))
            throw new CliUsageException($"--out must name an .mp4 file, found '{output}'.");
        var options = endpoint is null
            ? new ShotPlannerOptions()
            : new ShotPlannerOptions { Kind = ShotPlannerKinds.OpenAI, Endpoint = endpoint, Model = model };
        var planner = ShotPlanners.Create(options);
        var plan = await planner.PlanAsync(await File.ReadAllTextAsync(outlinePath, cancellation).ConfigureAwait(false), cancellation).ConfigureAwait(false);
        if (planOnly)
        {
            Console.Out.WriteLine(ShotPlanJson.Serialize(plan));
            return 0;
        }

        PeakMemory.Reset();
        using var components = PipelineComponents.Load(pipelineFolder);
        await using var services = new ServiceCollection().AddSemanticGenMedia().BuildServiceProvider();
        var generator = new LongVideoPipeline(components, services.GetRequiredService<IVideoWriter>());
        var prompts = plan.Shots.Select(shot => shot.Prompt).ToArray();
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
                video = await generator.GenerateAsync(prompts, output!, request, reporter, cancellation).ConfigureAwait(false);
            }).ConfigureAwait(false);

        foreach (var warning in video.Warnings)
            CliFailure.WriteWarning(warning);
        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("shots", $"{plan.Shots.Count} ({plan.TotalDurationSeconds:0.0} s planned)");
        table.AddRow("video", Markup.Escape($"{video.VideoPath} ({video.Frames} frames, {video.Width}×{video.Height}, {video.Fps:0.##} fps)"));
        table.AddRow("contact sheet", Markup.Escape(video.ContactSheetPath ?? "none"));
        table.AddRow("seed", request.Seed.ToString(CultureInfo.InvariantCulture));
        var sampling = LongVideoSamplingOptions.RolloutLabel(request.ResolvedFor(components.Manifest)).Trim().Trim('[', ']');
        table.AddRow("sampling", Markup.Escape(sampling.Length == 0 ? "both stages over all shots at once" : sampling));
        table.AddRow("time", $"{video.Elapsed.TotalSeconds:0.0} s");
        table.AddRow("peak RSS", $"{PeakMemory.ResidentMiB():0} MiB");
        AnsiConsole.Write(table);
        return 0;
    }
}
