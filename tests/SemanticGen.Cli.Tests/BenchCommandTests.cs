namespace SemanticGen.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_io_measures_every_stage_and_reads_only_the_small_tensor_lazily()
    {
        var result = await CliProcess.RunAsync("bench", "io", "--clips", "2", "--megabytes", "4");

        result.ExitCode.Should().Be(0, result.All);
        foreach (var stage in new[] { "render", "score", "mp4 write", "mp4 decode", "safetensors write", "safetensors read (whole)" })
            result.StdOut.Should().MatchRegex($@"{System.Text.RegularExpressions.Regex.Escape(stage)}.*\d+ (frames/s|MiB/s)");
        result.StdOut.Should().Contain("1024 bytes read");
    }

    [Fact]
    public async Task Bench_io_rejects_a_non_positive_size()
    {
        var result = await CliProcess.RunAsync("bench", "io", "--clips", "0");

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("--clips");
    }
}
