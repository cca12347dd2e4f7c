using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// The bounded admission of jobs: at most <see cref="JobsOptions.QueueCapacity"/> jobs are accepted and unfinished at once
/// (a slot is reserved before the job is stored and released when it reaches a terminal status). Jobs recovered after a
/// restart are admitted regardless, so nothing accepted is ever dropped.
/// </summary>
public sealed class JobQueue(IOptions<JobsOptions> options)
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly int _capacity = options.Value.QueueCapacity;
    private int _pending;

    /// <summary>Accepted jobs not yet finished.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Job ids to run, in admission order.</summary>
    public ChannelReader<string> Reader => _ids.Reader;

    /// <summary>Reserves a slot; false when the queue is full.</summary>
    public bool TryReserve()
    {
        while (true)
        {
            var pending = Volatile.Read(ref _pending);
            if (pending >= _capacity)
                return false;
            if (Interlocked.CompareExchange(ref _pending, pending + 1, pending) == pending)
                return true;
        }
    }

    /// <summary>Queues a job whose slot was reserved.</summary>
    public void Enqueue(string jobId)
    {
        if (!_ids.Writer.TryWrite(jobId))
            throw new InvalidOperationException("the job queue is closed.");
    }

    /// <summary>Queues a job recovered from the store (admitted without a reservation check).</summary>
    public void Restore(string jobId)
    {
        Interlocked.Increment(ref _pending);
        Enqueue(jobId);
    }

    /// <summary>Frees the slot of a job that finished (or whose submission failed after reserving).</summary>
    public void Release() => Interlocked.Decrement(ref _pending);
}
