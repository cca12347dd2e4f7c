namespace SemanticGen.Cli.Tests;

public sealed class WeightsAndVideoCommandsTests
{
    [Fact]
    public async Task Weights_inspect_lists_names_dtypes_and_shapes_of_a_checkpoint()
    {
        var result = await CliProcess.RunAsync("weights", "inspect", RepoPaths.Fixture("encoders", "vjepa2"), "--filter", "patch_embeddings");

        result.ExitCode.Should().Be(0, result.All);
        result.StdOut.Should().Contain("encoder.embeddings.patch_embeddings.proj.weight")
            .And.Contain("[64, 3, 2, 16, 16]").And.Contain("F32");
        result.StdOut.Should().MatchRegex(@"2 of \d+ tensors");
    }

    [Fact]
    public async Task Weights_inspect_of_a_corrupt_file_exits_2_naming_the_file_and_rule()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.safetensors");
        var bytes = await File.ReadAllBytesAsync(RepoPaths.Fixture("encoders", "vjepa2", "model.safetensors"), TestContext.Current.CancellationToken);
        BitConverter.GetBytes(long.MaxValue).CopyTo(bytes, 0);  // header length far beyond the file
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        var result = await CliProcess.RunAsync("weights", "inspect", path);

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain(path);
    }

    [Fact]
    public async Task Video_probe_of_a_missing_file_exits_2()
    {
        var result = await CliProcess.RunAsync("video", "probe", "/nonexistent/clip.mp4");

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("/nonexistent/clip.mp4");
    }
}
