using SemanticGen.Training;
using TorchSharp;

namespace SemanticGen.Training.Tests;

public sealed class TrainingLoopResumeTests
{
    private static TrainingResult Train(string folder, long totalSteps, long initSeed, long? stopAfter,
        out Dictionary<string, torch.Tensor> parameters, out Dictionary<string, torch.Tensor> ema)
    {
        using var model = TinyMlp.Create(initSeed);
        using var cancel = new CancellationTokenSource();
        using var loop = new TrainingLoop(TinyMlp.Options(folder, totalSteps), model, TinyMlp.Optimizer,
            (position, rng) => TinyMlp.Loss(model, position, rng),
            stopAfter is { } s ? new StopAfter(s, cancel) : null);
        TrainingResult result;
        try
        {
            result = loop.Run(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            result = new TrainingResult(0, stopAfter!.Value, []);
        }
        parameters = TinyMlp.Snapshot(model);
        ema = loop.Ema.Names.ToDictionary(n => n, n => loop.Ema[n].clone());
        return result;
    }

    [Fact]
    public void A_run_interrupted_and_resumed_matches_an_uninterrupted_run_bitwise()
    {
        using var straight = new TempFolder();
        using var interrupted = new TempFolder();

        var reference = Train(straight.Path, 20, initSeed: 1, stopAfter: null, out var referenceParameters, out var referenceEma);
        // Stopped after step 12: the last checkpoint is step 10, so steps 11 and 12 are re-run after the resume.
        Train(interrupted.Path, 20, initSeed: 1, stopAfter: 12, out _, out _);
        // A different initialisation proves the model really comes from the checkpoint.
        var resumed = Train(interrupted.Path, 20, initSeed: 99, stopAfter: null, out var resumedParameters, out var resumedEma);

        resumed.StartStep.Should().Be(10);
        resumed.Losses.Select(l => l.Step).Should().Equal(Enumerable.Range(11, 10).Select(i => (long)i));
        resumed.Losses.Select(l => l.Loss).Should().Equal(reference.Losses.Skip(10).Select(l => l.Loss), "losses must be bitwise equal");
        foreach (var name in referenceParameters.Keys)
        {
            Bitwise.Equal(resumedParameters[name], referenceParameters[name]).Should().BeTrue($"parameter {name} must be bitwise equal");
            Bitwise.Equal(resumedEma[name], referenceEma[name]).Should().BeTrue($"EMA of {name} must be bitwise equal");
        }
        reference.Losses.Select(l => l.Loss).Distinct().Should().HaveCount(20, "the losses must actually change");
    }

    [Fact]
    public void The_loss_log_has_each_step_once_after_a_resume()
    {
        using var folder = new TempFolder();
        Train(folder.Path, 10, initSeed: 1, stopAfter: 7, out _, out _);
        var log = Path.Combine(folder.Path, "loss.jsonl");
        LossLog.Read(log).Select(e => e.Step).Should().Equal(1, 2, 3, 4, 5, 6, 7);

        Train(folder.Path, 10, initSeed: 1, stopAfter: null, out _, out _);

        var entries = LossLog.Read(log);
        entries.Select(e => e.Step).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        entries.Should().OnlyContain(e => e.LearningRate == 0.01 && double.IsFinite(e.Loss));
    }

    [Fact]
    public void A_finished_run_does_nothing_when_run_again()
    {
        using var folder = new TempFolder();
        Train(folder.Path, 5, initSeed: 1, stopAfter: null, out var first, out _);
        var again = Train(folder.Path, 5, initSeed: 42, stopAfter: null, out var second, out _);
        again.Losses.Should().BeEmpty();
        foreach (var name in first.Keys)
        {
            Bitwise.Equal(first[name], second[name]).Should().BeTrue();
        }
    }

    [Fact]
    public void Only_the_last_K_checkpoints_are_kept()
    {
        using var folder = new TempFolder();
        Train(folder.Path, 10, initSeed: 1, stopAfter: null, out _, out _);
        // Interval 5 in the default options; run a denser schedule to see pruning.
        using var dense = new TempFolder();
        using var model = TinyMlp.Create(1);
        using var loop = new TrainingLoop(TinyMlp.Options(dense.Path, 10, interval: 2, keepLast: 2), model, TinyMlp.Optimizer,
            (position, rng) => TinyMlp.Loss(model, position, rng));
        loop.Run(TestContext.Current.CancellationToken);

        Directory.GetDirectories(dense.Path).Select(Path.GetFileName).Should().BeEquivalentTo("step-000008", "step-000010");
        File.ReadAllText(Path.Combine(dense.Path, CheckpointFolder.LatestPointer)).Should().Be("step-000010");
        Directory.GetDirectories(folder.Path).Select(Path.GetFileName).Should().BeEquivalentTo("step-000005", "step-000010");
    }

    [Fact]
    public void A_run_in_a_folder_keeps_its_checkpoints_and_loss_log_there_and_prunes_to_keep_last()
    {
        using var folder = new TempFolder();
        using var model = TinyMlp.Create(1);
        var options = TrainingOptions.InFolder(folder.Path, totalSteps: 6, checkpointInterval: 2, emaDecay: 0.9, seed: 7, configHash: "tiny-mlp-v1", keepLast: 2);
        using (var loop = new TrainingLoop(options, model, TinyMlp.Optimizer, (position, rng) => TinyMlp.Loss(model, position, rng)))
            loop.Run(TestContext.Current.CancellationToken).FinalStep.Should().Be(6);

        var checkpoints = Path.Combine(folder.Path, TrainingOptions.CheckpointsFolderName);
        Directory.GetDirectories(checkpoints).Select(Path.GetFileName).Should().BeEquivalentTo("step-000004", "step-000006");
        LossLog.Read(Path.Combine(folder.Path, TrainingOptions.LossLogFileName)).Select(e => e.Step).Should().Equal(1, 2, 3, 4, 5, 6);
        FluentActions.Invoking(() => TrainingOptions.InFolder(" ", 6, 2, 0.9, 7, "x")).Should().Throw<ArgumentException>();
    }
}
