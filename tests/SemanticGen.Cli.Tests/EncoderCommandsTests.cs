using SemanticGen.Data.ShapesWorld;
using SemanticGen.Weights;

namespace SemanticGen.Cli.Tests;

public sealed class EncoderCommandsTests
{
    public static TheoryData<string, string> Fixtures => new()
    {
        { "qwen2.5-vl", "qwen2_5_vl_vision" },
        { "vjepa2", "vjepa2" },
        { "videomae2", "videomae" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Encoders_check_passes_on_each_reference_fixture(string key, string fixture)
    {
        var result = await CliProcess.RunAsync("encoders", "check", "--encoder", key, "--fixture", RepoPaths.Fixture("encoders", fixture));

        result.ExitCode.Should().Be(0, result.All);
        result.StdOut.Should().Contain($"{key} parity on").And.Contain("passed").And.NotContain("FAIL");
        result.StdOut.Should().MatchRegex(@"\d\.\d\de-\d\d");
    }

    [Fact]
    public async Task Encoders_check_fails_when_the_fixture_belongs_to_another_encoder()
    {
        var result = await CliProcess.RunAsync("encoders", "check", "--encoder", "qwen2.5-vl", "--fixture", RepoPaths.Fixture("encoders", "vjepa2"));

        result.ExitCode.Should().NotBe(0);
        result.All.Should().NotContain("passed");
    }

    [Fact]
    public async Task An_unknown_encoder_key_lists_the_registered_ones()
    {
        var result = await CliProcess.RunAsync("encoders", "check", "--encoder", "clip", "--fixture", RepoPaths.Fixture("encoders", "vjepa2"));

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("'clip'").And.Contain("qwen2.5-vl, videomae2, vjepa2");
    }

    [Fact]
    public async Task Encode_writes_features_with_grid_and_provenance_from_a_real_video()
    {
        using var folder = new TempFolder();
        var synth = await CliProcess.RunAsync("data", "synth", "--out", folder.Path, "--count", "1", "--no-verify");
        synth.ExitCode.Should().Be(0, synth.All);
        var video = Directory.GetFiles(folder.Path, "*.mp4").Single();
        var output = folder.File("features.safetensors");

        var result = await CliProcess.RunAsync("encode", "--encoder", "vjepa2", "--weights", RepoPaths.Fixture("encoders", "vjepa2"),
            "--video", video, "--out", output);

        result.ExitCode.Should().Be(0, result.All);
        using var features = SafetensorsFile.Open(output);
        // 49 frames at 24 fps sampled at 1.6 fps → 4 frames → 2 tubelets of a 64-px crop with 16-px patches.
        features.GetInfo("features").Shape.Should().Equal(32, 64);
        features.Metadata["encoder"].Should().Be("vjepa2");
        features.Metadata["grid_thw"].Should().Be("2,4,4");
        features.Metadata["fps"].Should().Be("1.6");
        features.Metadata["source"].Should().Be(video);
        ShapesRenderOptions.Default.Frames.Should().Be(49);
    }

    [Fact]
    public async Task Encode_names_the_missing_weights()
    {
        using var folder = new TempFolder();
        var result = await CliProcess.RunAsync("encode", "--encoder", "vjepa2", "--weights", folder.File("absent.safetensors"),
            "--video", folder.File("clip.mp4"), "--out", folder.File("f.safetensors"));

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("absent.safetensors").And.Contain("does not exist");
    }

    [Fact]
    public async Task Bench_encoders_reports_throughput_and_peak_memory()
    {
        var result = await CliProcess.RunAsync("bench", "encoders", "--encoder", "videomae2", "--frames", "2", "--size", "32", "--iterations", "1");

        result.ExitCode.Should().Be(0, result.All);
        result.StdOut.Should().MatchRegex(@"videomae2.*base.*\d+(\.\d)?\s*│\s*\d+ MiB");
    }
}
