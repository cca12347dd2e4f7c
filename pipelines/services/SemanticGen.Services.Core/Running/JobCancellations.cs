using System.Collections.Concurrent;

namespace SemanticGen.Services.Core.Running;

/// <summary>The cancellation sources of the jobs running now, by job id.</summary>
public sealed class JobCancellations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>A source for a starting job, linked to <paramref name="stopping"/>; dispose it when the job ends.</summary>
    public Registration Register(string jobId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[jobId] = source;
        return new Registration(this, jobId, source);
    }

    /// <summary>Cancels the running job; false when it is not running here.</summary>
    public bool Cancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var source))
            return false;
        source.Cancel();
        return true;
    }

    /// <summary>A running job's cancellation; disposing it unregisters the job.</summary>
    public sealed class Registration(JobCancellations owner, string jobId, CancellationTokenSource source) : IDisposable
    {
        /// <summary>The job's token.</summary>
        public CancellationToken Token => source.Token;

        /// <summary>True when a cancel request (not host shutdown) stopped the job.</summary>
        public bool CanceledByRequest { get; internal set; }

        /// <inheritdoc />
        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(jobId, source));
            source.Dispose();
        }
    }
}
