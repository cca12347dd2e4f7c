using System.Text;
using Dapr.Client;

namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// <see cref="IJobStore"/> in the Dapr state store <see cref="DaprNames.StateStore"/> (deployed mode). Each job is one
/// key, <c>job-{id}</c>, holding the record and its completed activities as one JSON document (<see cref="JobJson"/>), so
/// every change of a job is a read-modify-write of one key guarded by its ETag (first-write concurrency): a write that
/// lost a race to another writer (another replica, a retried activity) is refused by the store, re-read and re-applied,
/// never silently overwriting the other change. The same rules as <see cref="SqliteJobStore"/> hold: a terminal job is
/// never changed again; the first recorded output of an activity is the only one.
/// <para>
/// It cannot list jobs (<see cref="ListUnfinishedAsync"/> throws): only the embedded runner needs that, to re-queue
/// unfinished jobs after a restart; with this store the jobs run as Dapr Workflow instances, which the workflow runtime
/// resumes itself (composition refuses <c>JobStore=Dapr</c> with <c>Runner=Embedded</c>).
/// </para>
/// </summary>
public sealed class DaprJobStore(DaprClient dapr, TimeProvider? clock = null) : IJobStore
{
    /// <summary>Attempts of one update before a conflict is reported (each a fresh read and a conditional write).</summary>
    public const int MaxAttempts = 16;

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The state key of job <paramref name="id"/>.</summary>
    public static string Key(string id) => $"job-{id}";

    /// <inheritdoc />
    public async Task AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        // Job ids are fresh random 128-bit ids, so two writers never create the same key; the check still refuses a reused id.
        var (existing, _) = await ReadAsync(job.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
            throw new InvalidOperationException($"job {job.Id} already exists.");
        await dapr.SaveByteStateAsync(DaprNames.StateStore, Key(job.Id), Encode(new Document(job, [])), FirstWrite,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync(id, cancellationToken).ConfigureAwait(false)).Document?.Job;

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            "the Dapr job store does not list jobs: with it jobs run as Dapr Workflow instances, which the workflow runtime resumes after a restart.");

    /// <inheritdoc />
    public Task MarkRunningAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, document => document.Job.Status.IsTerminal()
            ? null
            : document with { Job = document.Job with { Status = JobStatus.Running, Attempts = document.Job.Attempts + 1, UpdatedAt = _clock.GetUtcNow() } },
            cancellationToken);

    /// <inheritdoc />
    public Task ReportProgressAsync(string id, string stage, double progress, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, document => document.Job.Status.IsTerminal()
            ? null
            : document with { Job = document.Job with { Stage = stage, Progress = Math.Clamp(progress, 0, 1), UpdatedAt = _clock.GetUtcNow() } },
            cancellationToken);

    /// <inheritdoc />
    public Task CompleteAsync(string id, JobStatus status, JobResult? result, string? error, CancellationToken cancellationToken = default)
    {
        if (!status.IsTerminal())
            throw new ArgumentException($"{status} is not a terminal status.", nameof(status));
        return UpdateAsync(id, document => document.Job.Status.IsTerminal()
            ? null
            : document with
            {
                Job = document.Job with
                {
                    Status = status, Result = result, Error = error, UpdatedAt = _clock.GetUtcNow(),
                    Progress = status == JobStatus.Succeeded ? 1.0 : document.Job.Progress,
                },
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string?> GetActivityOutputAsync(string id, string activity, CancellationToken cancellationToken = default)
    {
        var (document, _) = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        return document is not null && document.Activities.TryGetValue(activity, out var output) ? output : null;
    }

    /// <inheritdoc />
    public Task RecordActivityAsync(string id, string activity, string output, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, document => document.Activities.ContainsKey(activity)
            ? null
            : document with { Activities = new Dictionary<string, string>(document.Activities, StringComparer.Ordinal) { [activity] = output } },
            cancellationToken);

    // Read, change, write only if nobody wrote in between (ETag); on a conflict read again. change → null: nothing to write.
    // A missing job is left alone (as SqliteJobStore's UPDATE … WHERE id matches no row).
    private async Task UpdateAsync(string id, Func<Document, Document?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (document, etag) = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            if (document is null || change(document) is not { } changed)
                return;
            if (await dapr.TrySaveByteStateAsync(DaprNames.StateStore, Key(id), Encode(changed), etag, FirstWrite,
                    cancellationToken: cancellationToken).ConfigureAwait(false))
                return;
        }

        throw new InvalidOperationException($"job {id}: the state store refused {MaxAttempts} conditional writes in a row (ETag conflicts).");
    }

    private async Task<(Document? Document, string ETag)> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var (bytes, etag) = await dapr.GetByteStateAndETagAsync(DaprNames.StateStore, Key(id), ConsistencyMode.Strong,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return (bytes.IsEmpty ? null : JobJson.Deserialize<Document>(Encoding.UTF8.GetString(bytes.Span)), etag);
    }

    private static ReadOnlyMemory<byte> Encode(Document document) => Encoding.UTF8.GetBytes(JobJson.Serialize(document));

    /// <summary>The stored value of a job: its record and the outputs of its completed activities by name.</summary>
    internal sealed record Document(JobRecord Job, Dictionary<string, string> Activities);
}
