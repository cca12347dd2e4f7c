using System.Diagnostics;

namespace SemanticGen.Cli.Tests;

/// <summary>Runs the real `semanticgen` executable (built beside the tests) in a child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static Task<Result> RunAsync(params string[] args) => RunWithAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="environment"/> set on top of this process's (a null value removes a variable).</summary>
    public static async Task<Result> RunWithAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "semanticgen.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["NO_COLOR"] = "1" },
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"semanticgen {string.Join(' ', args)} did not finish within 2 minutes");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
