using System.Diagnostics;

namespace SemanticGen.Cli.Tests;

/// <summary>Runs the real `semanticgen` executable (built beside the tests) in a child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "semanticgen.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["NO_COLOR"] = "1" },
        };
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
