using SemanticGen.Training;
using TorchSharp;

namespace SemanticGen.Training.Tests;

public sealed class CheckpointTests
{
    private sealed class Parts : IDisposable
    {
        public Parts(int hidden = 8)
        {
            Model = TinyMlp.Create(3, hidden);
            Optimizer = TinyMlp.Optimizer(Model);
            Ema = new ExponentialMovingAverage(Model);
            Generator = new torch.Generator(5);
            All = new TrainingParts(Model, Ema, Optimizer, Generator);
        }

        public TorchSharp.Modules.Sequential Model { get; }
        public TorchSharp.Modules.AdamW Optimizer { get; }
        public ExponentialMovingAverage Ema { get; }
        public torch.Generator Generator { get; }
        public TrainingParts All { get; }

        public void Dispose()
        {
            Optimizer.Dispose();
            Ema.Dispose();
            Generator.Dispose();
            Model.Dispose();
        }
    }

    private static CheckpointState State(long step, string hash = "h") =>
        new(CheckpointState.CurrentFormatVersion, step, step, hash, [0.01], [new LossEntry(step, 0.5)]);

    [Fact]
    public void A_crash_mid_save_leaves_latest_on_the_previous_complete_checkpoint()
    {
        using var root = new TempFolder();
        using var parts = new Parts();
        TrainingCheckpoint.Save(root.Path, parts.All, State(5), keepLast: 3);

        var crash = () => TrainingCheckpoint.Save(root.Path, parts.All, State(10), keepLast: 3,
            afterFileWritten: file => { if (file.EndsWith(TrainingCheckpoint.OptimizerFile, StringComparison.Ordinal)) throw new IOException("disk gone"); });
        crash.Should().Throw<IOException>();

        CheckpointFolder.FindLatest(root.Path).Should().Be(Path.Combine(root.Path, "step-000005"));
        Directory.Exists(Path.Combine(root.Path, "step-000010")).Should().BeFalse();
        using var fresh = new Parts();
        TrainingCheckpoint.Load(CheckpointFolder.FindLatest(root.Path)!, fresh.All, "h").Step.Should().Be(5);

        // The next save clears the torn temporary folder.
        TrainingCheckpoint.Save(root.Path, parts.All, State(10), keepLast: 3);
        Directory.GetDirectories(root.Path).Select(Path.GetFileName).Should().BeEquivalentTo("step-000005", "step-000010");
        CheckpointFolder.FindLatest(root.Path).Should().Be(Path.Combine(root.Path, "step-000010"));
    }

    [Fact]
    public void A_crash_after_the_rename_but_before_the_pointer_keeps_the_old_latest()
    {
        using var root = new TempFolder();
        using var parts = new Parts();
        TrainingCheckpoint.Save(root.Path, parts.All, State(5), keepLast: 3);
        var crash = () => TrainingCheckpoint.Save(root.Path, parts.All, State(10), keepLast: 3,
            afterFileWritten: file => { if (file.EndsWith(TrainingCheckpoint.StateFile, StringComparison.Ordinal)) throw new IOException("power cut"); });
        crash.Should().Throw<IOException>();
        CheckpointFolder.FindLatest(root.Path).Should().EndWith("step-000005");
    }

    [Fact]
    public void Loading_restores_optimizer_rng_and_ema_state()
    {
        using var root = new TempFolder();
        using var parts = new Parts();
        using (var scope = torch.NewDisposeScope())
        {
            for (var i = 0; i < 3; i++)
            {
                parts.Optimizer.zero_grad();
                TinyMlp.Loss(parts.Model, i, parts.Generator).backward();
                parts.Optimizer.step();
                parts.Ema.Update(parts.Model, 0.5);
            }
        }
        var folder = TrainingCheckpoint.Save(root.Path, parts.All, State(3), keepLast: 1);
        using var expectedDraw = torch.randn([16], generator: parts.Generator);

        using var fresh = new Parts();
        TrainingCheckpoint.Load(folder, fresh.All, "h");

        using var draw = torch.randn([16], generator: fresh.Generator);
        Bitwise.Equal(draw, expectedDraw).Should().BeTrue("the generator state is restored");
        var saved = parts.Optimizer.state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().ToList();
        var loaded = fresh.Optimizer.state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().ToList();
        loaded.Select(s => s.step).Should().Equal(saved.Select(s => s.step)).And.OnlyContain(s => s == 3);
        for (var i = 0; i < saved.Count; i++)
        {
            Bitwise.Equal(loaded[i].exp_avg, saved[i].exp_avg).Should().BeTrue();
            Bitwise.Equal(loaded[i].exp_avg_sq, saved[i].exp_avg_sq).Should().BeTrue();
        }
        foreach (var name in parts.Ema.Names)
        {
            Bitwise.Equal(fresh.Ema[name], parts.Ema[name]).Should().BeTrue();
        }
    }

    [Fact]
    public void Missing_corrupt_mismatched_and_foreign_checkpoints_fail_clearly()
    {
        using var root = new TempFolder();
        using var parts = new Parts();
        var folder = TrainingCheckpoint.Save(root.Path, parts.All, State(5), keepLast: 3);

        using var other = new Parts();
        var foreign = () => TrainingCheckpoint.Load(folder, other.All, "another-config");
        foreign.Should().Throw<CheckpointException>().WithMessage("*state.json*'h'*'another-config'*");

        using var wider = new Parts(hidden: 16);
        var mismatched = () => TrainingCheckpoint.Load(folder, wider.All, "h");
        mismatched.Should().Throw<CheckpointException>().WithMessage("*model.safetensors*fc1.weight*");

        File.WriteAllBytes(Path.Combine(folder, TrainingCheckpoint.OptimizerFile), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var corrupt = () => TrainingCheckpoint.Load(folder, other.All, "h");
        corrupt.Should().Throw<CheckpointException>().Which.Path.Should().EndWith(TrainingCheckpoint.OptimizerFile);

        File.Delete(Path.Combine(folder, TrainingCheckpoint.EmaFile));
        var missing = () => TrainingCheckpoint.Load(folder, other.All, "h");
        missing.Should().Throw<CheckpointException>().WithMessage("*ema.safetensors*missing*");

        Directory.Delete(folder, recursive: true);
        var dangling = () => CheckpointFolder.FindLatest(root.Path);
        dangling.Should().Throw<CheckpointException>().WithMessage("*latest*step-000005*does not exist*");
    }
}
