using System.ComponentModel;
using System.Diagnostics;

namespace SemanticGen.Models.Runtime;

/// <summary>
/// Where PyTorch's own libtorch lives, for builds that carry no libtorch bundle (build/publish-gpu.sh) and for CUDA
/// (docs: /work/shared/docs/platform.md, "CUDA machines with PyTorch installed"): the folder named by the caller,
/// else <c>$SG_TORCH_LIB</c>, else what <c>python3 -c "import torch"</c> reports.
/// </summary>
public static class TorchLibraries
{
    public const string Variable = "SG_TORCH_LIB";

    /// <summary>The libraries to pre-load for CPU, in dependency order.</summary>
    public static IReadOnlyList<string> Cpu { get; } = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>The libraries to pre-load for CUDA, in dependency order (libtorch.so needs libtorch_cuda.so in a CUDA build).</summary>
    public static IReadOnlyList<string> Cuda { get; } = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    private const string PythonQuery = "import torch,os;print(os.path.dirname(torch.__file__)+'/lib')";

    private static string HowToFix =>
        $"set {Variable} to the lib folder of a PyTorch install (e.g. {Variable}=$(python3 -c \"{PythonQuery}\")), " +
        "or install PyTorch for python3 (pip install torch)";

    /// <summary>
    /// The torch lib folder: <paramref name="explicitDir"/>, else <paramref name="variable"/> (the value of
    /// <c>$SG_TORCH_LIB</c>), else the answer of <paramref name="askPython"/> (called only then). A folder that does
    /// not exist is named in the error, with where it came from.
    /// </summary>
    public static string ResolveDirectory(string? explicitDir, string? variable, Func<string> askPython)
    {
        ArgumentNullException.ThrowIfNull(askPython);
        var (dir, source) =
            !string.IsNullOrWhiteSpace(explicitDir) ? (explicitDir, "the torch lib option") :
            !string.IsNullOrWhiteSpace(variable) ? (variable, $"${Variable}") :
            (askPython(), "python3's torch");
        dir = Path.GetFullPath(dir.Trim());
        if (!Directory.Exists(dir))
            throw new TorchRuntimeException($"torch lib folder {dir} (from {source}) does not exist; {HowToFix}");
        return dir;
    }

    /// <summary>Throws naming every one of <paramref name="names"/> that <paramref name="dir"/> lacks.</summary>
    public static void RequireFiles(string dir, IEnumerable<string> names, string purpose)
    {
        var missing = names.Where(name => !File.Exists(Path.Combine(dir, name))).ToList();
        if (missing.Count > 0)
            throw new TorchRuntimeException(
                $"torch lib folder {dir} lacks {string.Join(", ", missing)}, needed for {purpose}" +
                (missing.Any(name => name.Contains("cuda", StringComparison.Ordinal))
                    ? "; it is not a CUDA build of PyTorch: install one (pip install torch --index-url https://download.pytorch.org/whl/cu130) " +
                      $"or point {Variable} at the lib folder of one"
                    : $"; point {Variable} at the lib folder of a PyTorch install"));
    }

    /// <summary>The folder reported by <c>python3 -c "import torch, os; ..."</c>; a clear error when python3 or torch is missing.</summary>
    public static string AskPython()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(PythonQuery);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new TorchRuntimeException($"could not start python3; {HowToFix}");
        }
        catch (Win32Exception error)
        {
            throw new TorchRuntimeException($"{Variable} is not set and python3 could not be run ({error.Message}); {HowToFix}", error);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TorchRuntimeException($"{Variable} is not set and `python3 -c \"import torch\"` did not finish within 2 minutes; {HowToFix}");
            }

            var dir = stdout.GetAwaiter().GetResult().Trim();
            if (process.ExitCode != 0 || dir.Length == 0)
            {
                var said = stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
                throw new TorchRuntimeException($"{Variable} is not set and python3 has no usable torch ({said}); {HowToFix}");
            }

            return dir;
        }
    }
}

/// <summary>The native torch runtime cannot be set up as asked (missing files, no CUDA device); the message says what to do.</summary>
public sealed class TorchRuntimeException : Exception
{
    public TorchRuntimeException(string message) : base(message) { }

    public TorchRuntimeException(string message, Exception inner) : base(message, inner) { }
}
