using System.CommandLine;
using SemanticGen.Training;
using SemanticGen.Training.Recipes;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `train vae`: trains the tiny Wan VAE on Shapes World clips on the CPU (MSE of the posterior mean's reconstruction + kl_weight · KL), with checkpoints in
/// DIR/checkpoints, DIR/loss.jsonl, and at the end DIR/vae.safetensors (EMA) + DIR/config.json. Running the same
/// command again resumes from the latest checkpoint; a checkpoint written under other options is refused.
/// </summary>
internal static class TrainVaeCommand
{
    public static Command Build()
    {
        var defaults = new ShapesVaeOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoints/, loss.jsonl, vae.safetensors, config.json.", Required = true };
        var steps = new Option<long>("--steps") { Description = "Total steps (a resumed run continues up to this step).", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch") { Description = "Clips per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var frames = new Option<int>("--frames") { Description = "Frames per clip, 4n + 1 (the first frames of each 49-frame clip).", DefaultValueFactory = _ => defaults.Frames };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var kl = new Option<double>("--kl-weight") { Description = "Weight of the KL term.", DefaultValueFactory = _ => defaults.KlWeight };
        var maxGradNorm = new Option<double?>("--max-grad-norm") { Description = "Clip gradients to this global L2 norm before each step, logging the norm (default: no clipping; may be switched on when resuming)." };
        var foreground = new Option<double>("--foreground-weight") { Description = "Loss weight of object pixels (1 = plain MSE).", DefaultValueFactory = _ => defaults.ForegroundWeight };
        var initFrom = new Option<FileInfo?>("--init-from") { Description = "Start from this vae.safetensors (the tiny config) instead of a fresh initialisation." };
        var seed = new Option<long>("--seed") { Description = "Seed of the initialisation, clips and noise.", DefaultValueFactory = _ => defaults.Seed };
        var every = new Option<long>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var ema = new Option<double>("--ema") { Description = "EMA decay per step (the exported weights are the EMA).", DefaultValueFactory = _ => defaults.EmaDecay };

        var command = new Command("vae", "Train the tiny Wan VAE on Shapes World clips (CPU); re-run to resume.")
        {
            output, steps, batch, frames, lr, kl, maxGradNorm, foreground, initFrom, seed, every, ema,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(output)!, new ShapesVaeOptions
        {
            Steps = parse.GetValue(steps),
            BatchSize = parse.GetValue(batch),
            Frames = parse.GetValue(frames),
            LearningRate = parse.GetValue(lr),
            KlWeight = parse.GetValue(kl),
            MaxGradientNorm = parse.GetValue(maxGradNorm),
            ForegroundWeight = parse.GetValue(foreground),
            InitialWeights = parse.GetValue(initFrom)?.FullName,
            Seed = parse.GetValue(seed),
            CheckpointEvery = parse.GetValue(every),
            EmaDecay = parse.GetValue(ema),
        }, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo output, ShapesVaeOptions options, CancellationToken cancellation)
    {
        options.Validate();
        var folder = output.FullName;
        // "resumed at K" is reported in the summary, once the checkpoint has been accepted (a checkpoint written under
        // other options is refused while loading, and must not be announced as resumed first).

        ShapesVaeResult result;
        try
        {
            result = await AnsiConsole.Progress().Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(progress =>
                {
                    var task = progress.AddTask("training", maxValue: options.Steps);
                    task.Value = ShapesVaeTraining.ResumableStep(folder) ?? 0;
                    var reporter = new SynchronousProgress(p =>
                    {
                        task.Value = p.Step;
                        task.Description = $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.0000}  {p.StepsPerSecond:0.00} steps/s";
                    });
                    return Task.Run(() => ShapesVaeTraining.Run(options, folder, reporter, cancellation), cancellation);
                }).ConfigureAwait(false);
        }
        catch (CheckpointException error)
        {
            throw new CliUsageException($"{error.Message} Use another --out, or the options that run was started with.");
        }

        PrintSummary(folder, options, result);
        return 0;
    }

    private static void PrintSummary(string folder, ShapesVaeOptions options, ShapesVaeResult result)
    {
        var ran = result.FinalStep - result.StartStep;
        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("folder", Markup.Escape(folder));
        table.AddRow("steps", result.StartStep > 0 ? $"{result.FinalStep} (resumed at {result.StartStep})" : $"{result.FinalStep}");
        table.AddRow("batch", $"{options.BatchSize} × {options.Frames} frames × 64×64");
        table.AddRow("time", ran > 0
            ? $"{result.TrainingSeconds:0.0} s ({ran / Math.Max(result.TrainingSeconds, 1e-9):0.00} steps/s)"
            : $"{result.TrainingSeconds:0.0} s (nothing left to train)");
        table.AddRow("final loss", $"{result.FinalLoss:0.00000}");
        table.AddRow("reconstruction PSNR", $"{result.Psnr:0.00} dB on {ShapesVaeTraining.EvaluationClips} held-out-seed clips (EMA weights)");
        table.AddRow("weights", Markup.Escape($"{result.WeightsPath} + {Path.GetFileName(result.ConfigPath)}"));
        AnsiConsole.Write(table);
    }

    /// <summary>Reports on the training thread (no synchronisation context hop), so the bar tracks every step.</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
