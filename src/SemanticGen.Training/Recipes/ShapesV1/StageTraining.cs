using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>One stage of the recipe: its name (the folder under <c>.work/</c>), steps, batch, learning rate.</summary>
public sealed record StagePlan(string Name, long Steps, double LearningRate, long CheckpointEvery, double EmaDecay, long Seed, string ConfigHash);

/// <summary>What a stage's training did.</summary>
public sealed record StageResult(string Name, long StartStep, long FinalStep, double FinalLoss, double Seconds);

/// <summary>
/// Runs one stage through <see cref="TrainingLoop"/> (checkpoints and exact resume under
/// <c>WORK/NAME/checkpoints</c>, <c>WORK/NAME/loss.jsonl</c>) and copies the EMA weights into the module.
/// </summary>
public static class StageTraining
{
    public static StageResult Run(StagePlan plan, string workFolder, nn.Module module, TrainingStep step, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(workFolder, plan.Name);
        Directory.CreateDirectory(folder);
        var options = TrainingOptions.InFolder(folder, plan.Steps, plan.CheckpointEvery, plan.EmaDecay, plan.Seed, plan.ConfigHash, keepLast: 2);
        module.train();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TrainingResult result;
        using (var loop = new TrainingLoop(options, module, m => optim.AdamW(m.parameters(), lr: plan.LearningRate, weight_decay: 0), step, progress))
        {
            result = loop.Run(cancellationToken);
            loop.Ema.CopyTo(module);
        }
        module.eval();
        var logged = LossLog.Read(Path.Combine(folder, TrainingOptions.LossLogFileName));
        return new StageResult(plan.Name, result.StartStep, result.FinalStep, logged.Count > 0 ? logged[^1].Loss : double.NaN, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>A module that only groups others so one optimizer, EMA and checkpoint cover them (it owns nothing).</summary>
internal sealed class ModuleGroup : nn.Module
{
    public ModuleGroup(string name, IReadOnlyList<(string Name, nn.Module Module)> members) : base(name)
    {
        foreach (var (memberName, member) in members)
            register_module(memberName, member);
    }

    protected override void Dispose(bool disposing)
    {
        // The members belong to PipelineComponents; only the group's own handle is released.
    }
}
