using System.CommandLine;
using SemanticGen.Pipeline.Components;
using SemanticGen.Training.Recipes;
using SemanticGen.Training.Recipes.ShapesV1;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `recipe shapes-v1` (the whole default pipeline) and `train encoder|latent|semantic` (one stage of it, after any
/// unfinished earlier stage): all train into one pipeline folder with the options of <see cref="ShapesV1Options"/>;
/// re-running the same command resumes.
/// </summary>
internal static class RecipeCommand
{
    public static Command Recipe() =>
        new("recipe", "Train a whole pipeline with one command.") {
            Build("shapes-v1", "Train the default Shapes World pipeline: VAE, encoder, latent cache, stage 2, stage 1, decoder refinement (CPU); re-run to resume.", until: null),
            StoryRecipeCommand.Build(),
        };

    public static Command TrainStage(string stage, string description) => Build(stage, description, until: stage);

    private static Command Build(string name, string description, string? until)
    {
        var d = new ShapesV1Options();
        var output = new Option<DirectoryInfo>("--out") { Description = "Pipeline folder (pipeline.json, component files, .work/ with checkpoints and caches).", DefaultValueFactory = _ => new DirectoryInfo("models/shapes-v1") };
        var seed = new Option<long>("--seed") { Description = "Seed of every initialisation, data order and noise.", DefaultValueFactory = _ => d.Seed };
        var vaeSteps = new Option<long>("--vae-steps") { Description = "VAE training steps.", DefaultValueFactory = _ => d.VaeSteps };
        var vaeMaxGradNorm = new Option<double?>("--vae-max-grad-norm") { Description = "Clip the VAE stage's gradients to this global L2 norm (default: no clipping)." };
        var vaeForeground = new Option<double>("--vae-foreground-weight") { Description = "Loss weight of object pixels in the VAE stage (1 = plain MSE).", DefaultValueFactory = _ => d.VaeForegroundWeight };
        var encoderSteps = new Option<long>("--encoder-steps") { Description = "Semantic encoder (masked autoencoding) steps.", DefaultValueFactory = _ => d.EncoderSteps };
        var clips = new Option<int>("--clips") { Description = "Training clips whose latents and features are precomputed once.", DefaultValueFactory = _ => d.CachedClips };
        var latentSteps = new Option<long>("--latent-steps") { Description = "Stage-2 steps (compressor + latent generator).", DefaultValueFactory = _ => d.LatentSteps };
        var latentBatch = new Option<int>("--latent-batch") { Description = "Stage-2 clips per step.", DefaultValueFactory = _ => d.LatentBatch };
        var latentRefineSteps = new Option<long>("--latent-refine-steps") { Description = "Stage-2 steps after stage 1 with the compressor frozen (z_sem, and so stage 1, unchanged); 0 skips them.", DefaultValueFactory = _ => d.LatentRefineSteps };
        var semanticSteps = new Option<long>("--semantic-steps") { Description = "Stage-1 steps (semantic generator).", DefaultValueFactory = _ => d.SemanticSteps };
        var semanticBatch = new Option<int>("--semantic-batch") { Description = "Stage-1 clips per step.", DefaultValueFactory = _ => d.SemanticBatch };
        var decoderSteps = new Option<long>("--decoder-steps") { Description = "VAE decoder refinement steps (encoder frozen), the last stage.", DefaultValueFactory = _ => d.DecoderSteps };
        var decoderForeground = new Option<double>("--decoder-foreground-weight") { Description = "Loss weight of object pixels in the decoder stage (1 = plain MSE).", DefaultValueFactory = _ => d.DecoderForegroundWeight };
        var decoderRecolour = new Option<double>("--decoder-recolour") { Description = "Fraction of decoder-stage clips whose object gets a random off-palette colour, never one that reads as a held-out composition (0 = palette only).", DefaultValueFactory = _ => d.DecoderRecolourFraction };
        var decoderLoss = new Option<string>("--decoder-loss") { Description = "Reconstruction error of the decoder stage: mse, or l1 (absolute error: its minimiser is the median, not the mean).", DefaultValueFactory = _ => d.DecoderLoss.ToString().ToLowerInvariant() };
        decoderLoss.AcceptOnlyFromAmong("mse", "l1");
        var kl = new Option<double>("--kl-weight") { Description = "Weight of the compressor's KL term in the stage-2 loss.", DefaultValueFactory = _ => d.KlWeight };
        var dropout = new Option<double>("--text-dropout") { Description = "Probability of training on the empty prompt (for guidance).", DefaultValueFactory = _ => d.TextDropout };
        var every = new Option<long>("--checkpoint-every") { Description = "Steps between checkpoints in every stage.", DefaultValueFactory = _ => d.CheckpointEvery };

        var command = new Command(name, description) { output, seed, vaeSteps, vaeMaxGradNorm, vaeForeground, encoderSteps, clips, latentSteps, latentBatch, latentRefineSteps, semanticSteps, semanticBatch, decoderSteps, decoderForeground, decoderRecolour, decoderLoss, kl, dropout, every };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(output)!.FullName, new ShapesV1Options
        {
            Seed = parse.GetValue(seed),
            VaeSteps = parse.GetValue(vaeSteps),
            VaeMaxGradientNorm = parse.GetValue(vaeMaxGradNorm),
            VaeForegroundWeight = parse.GetValue(vaeForeground),
            EncoderSteps = parse.GetValue(encoderSteps),
            CachedClips = parse.GetValue(clips),
            LatentSteps = parse.GetValue(latentSteps),
            LatentBatch = parse.GetValue(latentBatch),
            LatentRefineSteps = parse.GetValue(latentRefineSteps),
            SemanticSteps = parse.GetValue(semanticSteps),
            SemanticBatch = parse.GetValue(semanticBatch),
            DecoderSteps = parse.GetValue(decoderSteps),
            DecoderForegroundWeight = parse.GetValue(decoderForeground),
            DecoderRecolourFraction = parse.GetValue(decoderRecolour),
            DecoderLoss = Enum.Parse<DecoderReconstructionLoss>(parse.GetValue(decoderLoss)!, ignoreCase: true),
            KlWeight = parse.GetValue(kl),
            TextDropout = parse.GetValue(dropout),
            CheckpointEvery = parse.GetValue(every),
        }, until, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, ShapesV1Options options, string? until, CancellationToken cancellation)
    {
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        PipelineManifest manifest;
        try
        {
            manifest = await ShowProgressAsync(reporter => ShapesV1Recipe.Run(options, folder, reporter, cancellation, until), cancellation).ConfigureAwait(false);
        }
        catch (Training.CheckpointException error)
        {
            throw new CliUsageException($"{error.Message} Use another --out, or the options that run was started with.");
        }

        var table = new Table().AddColumn("stage").AddColumn("result");
        foreach (var stage in ShapesV1Recipe.Stages)
            table.AddRow(stage, Markup.Escape(manifest.Training.GetValueOrDefault("stage." + stage, stage == "latent-refine" && options.LatentRefineSteps == 0 ? "skipped (0 steps)" : "not run")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"pipeline folder: {Markup.Escape(folder)}  ({clock.Elapsed.TotalMinutes:0.0} min this run)");
        return 0;
    }

    /// <summary>Runs a recipe on a worker thread with one live progress bar per stage (steps, loss, steps/s or a message).</summary>
    internal static Task<PipelineManifest> ShowProgressAsync(Func<IProgress<RecipeProgress>, PipelineManifest> run, CancellationToken cancellation) =>
        AnsiConsole.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var reporter = new SynchronousProgress<RecipeProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                        tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: 1);
                    if (p.Step is { } step)
                    {
                        task.MaxValue = step.TotalSteps;
                        task.Value = step.Step;
                        task.Description = double.IsNaN(step.Loss)
                            ? $"{p.Stage}  {step.Step}/{step.TotalSteps}"
                            : $"{p.Stage}  step {step.Step}/{step.TotalSteps}  loss {step.Loss:0.0000}  {step.StepsPerSecond:0.0} steps/s";
                    }
                    else if (p.Message is { } message)
                    {
                        task.Description = $"{p.Stage}  {Markup.Escape(message)}";
                    }
                });
                return Task.Run(() => run(reporter), cancellation);
            });
}
