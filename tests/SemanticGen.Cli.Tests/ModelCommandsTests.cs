namespace SemanticGen.Cli.Tests;

public sealed class ModelCommandsTests
{
    public static TheoryData<string, string> Components => new()
    {
        { "wan-vae", "wan_vae" },
        { "wan-transformer", "wan_transformer" },
        { "umt5", "umt5_encoder" },
        { "flowmatch", "" },
    };

    [Theory]
    [MemberData(nameof(Components))]
    public async Task Models_check_passes_on_each_reference_fixture(string component, string fixture)
    {
        var result = await CliProcess.RunAsync("models", "check", "--component", component, "--fixture", RepoPaths.Fixture("wan", fixture));

        result.ExitCode.Should().Be(0, result.All);
        result.StdOut.Should().Contain($"{component} parity on").And.Contain("passed").And.NotContain("FAIL");
    }

    [Fact]
    public async Task Models_check_fails_on_another_components_fixture()
    {
        var result = await CliProcess.RunAsync("models", "check", "--component", "wan-transformer", "--fixture", RepoPaths.Fixture("wan", "umt5_encoder"));

        result.ExitCode.Should().NotBe(0);
        result.All.Should().NotContain("passed");
    }

    [Fact]
    public async Task Bench_model_times_forward_and_training_steps_of_the_tiny_transformer()
    {
        var result = await CliProcess.RunAsync("bench", "--model", "wan-transformer", "--preset", "tiny", "--frames", "5", "--height", "32", "--width", "48", "--steps", "1", "--text-length", "8");

        result.ExitCode.Should().Be(0, result.All);
        result.StdOut.Should().MatchRegex(@"forward\s*│\s*\d+\.\d").And.MatchRegex(@"forward\+backward\s*│\s*\d+\.\d");
        // 5 frames → 2 latent frames; 32×48 px → 2×3 patches: 12 tokens.
        result.StdOut.Should().Contain("= 12 tokens").And.MatchRegex(@"peak RSS \d+ MiB");
    }

    [Fact]
    public async Task Bench_without_a_model_or_with_cuda_on_this_build_says_what_is_wrong()
    {
        var none = await CliProcess.RunAsync("bench");
        none.ExitCode.Should().Be(2);
        none.StdErr.Should().Contain("--model");

        var cuda = await CliProcess.RunAsync("bench", "--model", "wan-transformer", "--device", "cuda");
        cuda.ExitCode.Should().Be(2);
        cuda.StdErr.Should().Contain("SG_TORCH_LIB");  // CUDA takes PyTorch's libtorch (TorchRuntimeTests)
    }
}
