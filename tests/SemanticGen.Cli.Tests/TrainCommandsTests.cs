using SemanticGen.Models.VideoVae;
using SemanticGen.Training;
using SemanticGen.Training.Recipes;

namespace SemanticGen.Cli.Tests;

public sealed class TrainCommandsTests
{
    private static Task<CliProcess.Result> TrainVae(string folder, int steps, params string[] extra) =>
        CliProcess.RunAsync(["train", "vae", "--out", folder, "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--checkpoint-every", "2", "--frames", "5", "--batch", "1", .. extra]);

    [Fact]
    public async Task Train_vae_writes_checkpoints_log_and_loadable_weights_then_resumes_and_refuses_other_options()
    {
        using var folder = new TempFolder();

        var first = await TrainVae(folder.Path, 4);
        first.ExitCode.Should().Be(0, first.All);
        File.Exists(Path.Combine(folder.Path, "checkpoints", CheckpointFolder.LatestPointer)).Should().BeTrue();
        LossLog.Read(folder.File("loss.jsonl")).Select(e => e.Step).Should().Equal(1, 2, 3, 4);
        first.StdOut.Should().Contain("final loss").And.Contain("PSNR").And.NotContain("resumed at");
        using (var loaded = WanVaeWeights.Load(folder.Path))
        {
            loaded.Config.Should().BeEquivalentTo(ShapesVaeTraining.TinyConfig);
        }

        var resumed = await TrainVae(folder.Path, 6);
        resumed.ExitCode.Should().Be(0, resumed.All);
        resumed.StdOut.Should().Contain("6 (resumed at 4)");
        LossLog.Read(folder.File("loss.jsonl")).Select(e => e.Step).Should().Equal(1, 2, 3, 4, 5, 6);
        CheckpointFolder.FindLatest(Path.Combine(folder.Path, "checkpoints")).Should().EndWith("step-000006");

        var other = await TrainVae(folder.Path, 8, "--lr", "1e-3");
        other.ExitCode.Should().Be(2, other.All);
        other.StdErr.Should().Contain("config hash").And.Contain("--out");
        other.StdOut.Should().NotContain("resumed");
        LossLog.Read(folder.File("loss.jsonl")).Should().HaveCount(6);
    }

    [Fact]
    public async Task Train_vae_rejects_a_frame_count_that_is_not_four_n_plus_one()
    {
        using var folder = new TempFolder();
        var result = await CliProcess.RunAsync("train", "vae", "--out", folder.Path, "--frames", "6");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("--frames must be 4n + 1");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task Recipe_accepts_mse_or_l1_as_the_decoder_loss_and_refuses_others_by_name_before_training()
    {
        using var folder = new TempFolder();
        var recipe = SemanticGenCommand.Build();
        recipe.Parse(["recipe", "shapes-v1", "--out", folder.Path, "--decoder-loss", "l1"]).Errors.Should().BeEmpty();
        recipe.Parse(["recipe", "shapes-v1", "--out", folder.Path, "--decoder-loss", "mse"]).Errors.Should().BeEmpty();

        var result = await CliProcess.RunAsync("recipe", "shapes-v1", "--out", folder.Path, "--decoder-loss", "median");

        result.ExitCode.Should().NotBe(0, result.All);
        result.All.Should().Contain("median").And.Contain("--decoder-loss");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().BeEmpty("nothing is trained or written for a refused option");
    }

    [Fact]
    public async Task Recipe_refuses_a_vae_gradient_limit_that_is_not_positive_and_train_vae_a_missing_initial_file_by_name_before_training()
    {
        using var folder = new TempFolder();
        SemanticGenCommand.Build().Parse(["recipe", "shapes-v1", "--out", folder.Path, "--vae-max-grad-norm", "1", "--vae-foreground-weight", "10"]).Errors.Should().BeEmpty();
        SemanticGenCommand.Build().Parse(["train", "vae", "--out", folder.Path, "--max-grad-norm", "1", "--foreground-weight", "10", "--init-from", "x.safetensors"]).Errors.Should().BeEmpty();

        var result = await CliProcess.RunAsync("recipe", "shapes-v1", "--out", folder.Path, "--vae-max-grad-norm", "0");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("--vae-max-grad-norm must be positive");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().BeEmpty("nothing is trained or written for a refused option");

        var missing = Path.Combine(folder.Path, "missing.safetensors");
        var vae = await CliProcess.RunAsync("train", "vae", "--out", Path.Combine(folder.Path, "run"), "--init-from", missing);
        vae.ExitCode.Should().Be(2, vae.All);
        vae.StdErr.Should().Contain($"--init-from: no such file: {missing}");
        Directory.Exists(Path.Combine(folder.Path, "run")).Should().BeFalse("nothing is written for a refused option");
    }
}
