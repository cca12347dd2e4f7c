using SemanticGen.Models.Runtime;

namespace SemanticGen.Cli.Tests;

/// <summary>
/// `--device cuda` loads PyTorch's own libtorch (SemanticGen.Models/Runtime). This machine has no GPU and no PyTorch:
/// what can be checked here is where the torch lib folder comes from and that every failure is a clear exit 2.
/// </summary>
public sealed class TorchRuntimeTests
{
    private static string NoPython() => throw new InvalidOperationException("python3 must not be asked");

    [Fact]
    public void The_environment_variable_wins_over_python()
    {
        using var folder = new TempFolder();

        TorchLibraries.ResolveDirectory(null, folder.Path, NoPython).Should().Be(folder.Path);
    }

    [Fact]
    public void An_explicit_folder_wins_over_the_environment_variable()
    {
        using var chosen = new TempFolder();
        using var other = new TempFolder();

        TorchLibraries.ResolveDirectory(chosen.Path, other.Path, NoPython).Should().Be(chosen.Path);
    }

    [Fact]
    public void Python_is_asked_only_when_nothing_names_a_folder()
    {
        using var folder = new TempFolder();
        var asked = 0;

        TorchLibraries.ResolveDirectory(null, "", () => { asked++; return folder.Path + "\n"; }).Should().Be(folder.Path);
        asked.Should().Be(1);
    }

    [Fact]
    public void A_missing_folder_is_named_with_where_it_came_from()
    {
        using var folder = new TempFolder();
        var missing = folder.File("no-such-lib");

        var act = () => TorchLibraries.ResolveDirectory(null, missing, NoPython);

        act.Should().Throw<TorchRuntimeException>().WithMessage($"*{missing}*$SG_TORCH_LIB*does not exist*");
    }

    [Fact]
    public void Every_missing_cuda_library_is_named()
    {
        using var folder = new TempFolder();
        foreach (var name in TorchLibraries.Cpu)
            folder.Touch(name);

        var act = () => TorchLibraries.RequireFiles(folder.Path, TorchLibraries.Cuda, "--device cuda");

        var message = act.Should().Throw<TorchRuntimeException>().Which.Message;
        message.Should().Contain("libc10_cuda.so, libtorch_cuda.so").And.Contain(folder.Path).And.Contain("not a CUDA build");
        message.Should().NotContain("libc10.so,").And.NotContain("libtorch_cpu.so");
    }

    [Fact]
    public void A_complete_folder_passes()
    {
        using var folder = new TempFolder();
        foreach (var name in TorchLibraries.Cuda)
            folder.Touch(name);

        var act = () => TorchLibraries.RequireFiles(folder.Path, TorchLibraries.Cuda, "--device cuda");

        act.Should().NotThrow();
    }

    [Fact]
    public async Task Bench_on_cuda_without_pytorch_exits_2_naming_SG_TORCH_LIB()
    {
        using var folder = new TempFolder();
        var result = await CliProcess.RunWithAsync(WithoutTorch(folder), "bench", "--model", "wan-transformer", "--device", "cuda", "--dtype", "bf16");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("SG_TORCH_LIB").And.Contain("No module named 'torch'").And.NotContain("   at ");
    }

    [Fact]
    public async Task Models_check_on_cuda_without_pytorch_exits_2_naming_SG_TORCH_LIB()
    {
        using var folder = new TempFolder();
        var result = await CliProcess.RunWithAsync(WithoutTorch(folder),
            "models", "check", "--component", "wan-transformer", "--fixture", RepoPaths.Fixture("wan", "wan_transformer"), "--device", "cuda");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("SG_TORCH_LIB");
    }

    [Fact]
    public async Task A_torch_folder_without_cuda_libraries_exits_2_naming_them()
    {
        using var folder = new TempFolder();
        foreach (var name in TorchLibraries.Cpu)
            folder.Touch(name);

        var result = await CliProcess.RunWithAsync(new Dictionary<string, string?> { [TorchLibraries.Variable] = folder.Path },
            "bench", "--model", "wan-transformer", "--device", "cuda");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("libc10_cuda.so, libtorch_cuda.so").And.Contain(folder.Path);
    }

    [Fact]
    public async Task Cuda_in_the_build_with_the_cpu_libtorch_bundle_exits_2_pointing_at_the_gpu_publish()
    {
        using var folder = new TempFolder();
        foreach (var name in TorchLibraries.Cuda)
            folder.Touch(name);

        var result = await CliProcess.RunWithAsync(new Dictionary<string, string?> { [TorchLibraries.Variable] = folder.Path },
            "bench", "--model", "wan-transformer", "--device", "cuda");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("libtorch_cpu.so").And.Contain("build/publish-gpu.sh");
    }

    [Fact]
    public async Task An_unknown_device_exits_2()
    {
        var result = await CliProcess.RunAsync("bench", "--model", "wan-transformer", "--device", "gpu");

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("--device 'gpu'");
    }

    /// <summary>No $SG_TORCH_LIB and a python3 (first on PATH) without torch, whatever this machine has.</summary>
    private static Dictionary<string, string?> WithoutTorch(TempFolder folder)
    {
        var python = folder.File("python3");
        File.WriteAllText(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new() { [TorchLibraries.Variable] = null, ["PATH"] = folder.Path + ":" + Environment.GetEnvironmentVariable("PATH") };
    }
}
