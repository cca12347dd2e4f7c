using System.Diagnostics;

namespace SemanticGen.Media;

/// <summary>
/// The decode time limit, as a token that fires once ffmpeg has been waited on for longer than the limit in total.
/// The clock is paused while the caller holds a chunk, so a slow consumer (a VAE step between chunks) does not count.
/// </summary>
internal sealed class DecodeBudget(TimeSpan limit) : IDisposable
{
    private readonly CancellationTokenSource _expiry = new();
    private readonly Stopwatch _spent = new();

    public TimeSpan Limit => limit;

    public CancellationToken Token => _expiry.Token;

    public bool Expired => _expiry.IsCancellationRequested;

    public void Resume()
    {
        var left = limit - _spent.Elapsed;
        if (left <= TimeSpan.Zero)
        {
            _expiry.Cancel();
            return;
        }

        _expiry.CancelAfter(left);
        _spent.Start();
    }

    public void Pause()
    {
        _spent.Stop();
        if (!_expiry.IsCancellationRequested)
        {
            _expiry.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _expiry.Dispose();
}
