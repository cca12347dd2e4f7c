using System.ComponentModel;
using System.Diagnostics;

namespace SemanticGen.Media;

/// <summary>
/// One running ffmpeg with stdin, stdout and stderr piped. We run the process ourselves (FFMpegCore builds the arguments)
/// because we need its id and a hard kill, and stdout stays readable after the process exits, whereas FFMpegCore's
/// named-pipe sink is disposed when the process exits and can lose the last buffered bytes. Disposing kills a process
/// that is still running and waits for it, so no ffmpeg outlives its reader or writer.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 16;
    private static readonly TimeSpan ExitWaitAfterKill = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Queue<string> _stderrTail = new();

    private FfmpegProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>ffmpeg's stdout (pipe:1).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>ffmpeg's stdin (pipe:0).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The last lines ffmpeg wrote to stderr (bounded, so a flood of decoder errors costs no memory).</summary>
    public IReadOnlyList<string> ErrorTail
    {
        get
        {
            lock (_stderrTail)
            {
                return [.. _stderrTail];
            }
        }
    }

    public static FfmpegProcess Start(string executable, string arguments)
    {
        var startInfo = new ProcessStartInfo(executable, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var ffmpeg = new FfmpegProcess(process);
        process.ErrorDataReceived += (_, e) => ffmpeg.KeepErrorLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"cannot start '{executable}' ({e.Message}); install ffmpeg or set {nameof(MediaOptions)}.{nameof(MediaOptions.BinaryFolder)}", e);
        }

        process.BeginErrorReadLine();
        return ffmpeg;
    }

    /// <summary>Closes stdin: end of input for a writer, and nothing to read for a decoder.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg already exited and closed its end; its exit code tells what happened.
        }
    }

    /// <summary>Waits for exit (and the end of its output) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills ffmpeg if it still runs; safe to call from a cancellation callback.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited (or never started).
        }
        catch (Win32Exception)
        {
            // Exited while being killed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            using var wait = new CancellationTokenSource(ExitWaitAfterKill);
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A killed process that does not go away in 10 s is beyond our reach; do not hang the caller.
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void KeepErrorLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_stderrTail)
        {
            if (_stderrTail.Count == StderrLinesKept)
            {
                _stderrTail.Dequeue();
            }

            _stderrTail.Enqueue(line);
        }
    }
}
