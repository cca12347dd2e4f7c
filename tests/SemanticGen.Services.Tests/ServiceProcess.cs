using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SemanticGen.Services.Tests;

/// <summary>
/// A built service started as its own process (<c>dotnet SemanticGen.Services.X.dll</c>) on a free loopback port: waits
/// for Kestrel's "Now listening on" line and a 200 from /healthz. Disposing kills the process. Its output is kept for
/// failure messages.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri Address { get; private set; } = null!;

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The service assembly beside the tests (the project references copy each service's dll, deps and runtimeconfig here).</summary>
    public static string Dll(string project)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, project + ".dll");
        File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")).Should().BeTrue($"{project} is built beside the tests");
        return dll;
    }

    /// <summary>Starts <paramref name="project"/> with <paramref name="settings"/> (key=value, as --key value).</summary>
    public static async Task<ServiceProcess> StartAsync(string project, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Dll(project));
        foreach (var arg in (string[])["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
                     "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"])
            start.ArgumentList.Add(arg);
        foreach (var setting in settings)
        {
            var parts = setting.Split('=', 2);
            start.ArgumentList.Add("--" + parts[0]);
            start.ArgumentList.Add(parts[1]);
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(project, process);
        process.OutputDataReceived += (_, e) => service.Append(e.Data, listening);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{project} exited early:\n{service.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            service.Address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
            using var client = new HttpClient { BaseAddress = service.Address };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/healthz");
                    if (health.IsSuccessStatusCode)
                        break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }

                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"{project} never answered /healthz:\n{service.Output}");
                await Task.Delay(100);
            }

            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match)
            listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }
}
