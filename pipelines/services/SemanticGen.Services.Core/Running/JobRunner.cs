using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Running;

/// <summary>
/// The embedded job runner: on start it re-queues every job the store holds as Accepted or Running (jobs accepted before
/// a crash or shutdown), then runs queued jobs with <see cref="JobsOptions.Concurrency"/> workers. Every job it takes
/// reaches a terminal status, except when the host stops mid-job: that job stays Running in the store and resumes at the
/// next start (its finished activities are not repeated).
/// </summary>
public sealed partial class JobRunner(
    IJobStore store, JobQueue queue, JobExecutor executor, JobCancellations cancellations, IJobEvents events,
    IOptions<JobsOptions> options, TimeProvider clock, ILogger<JobRunner> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var job in await store.ListUnfinishedAsync(stoppingToken).ConfigureAwait(false))
        {
            LogResuming(logger, job.Id, job.Status);
            queue.Restore(job.Id);
        }

        var workers = Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var finished = await RunOneAsync(id, stoppingToken).ConfigureAwait(false);
                if (finished)
                    queue.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: unfinished jobs stay in the store and resume at the next start.
        }
    }

    // True when the job is terminal afterwards (its queue slot is free).
    private async Task<bool> RunOneAsync(string id, CancellationToken stoppingToken)
    {
        var job = await store.GetAsync(id, stoppingToken).ConfigureAwait(false);
        if (job is null || job.Status.IsTerminal())
            return true;

        using var registration = cancellations.Register(id, stoppingToken);
        try
        {
            await store.MarkRunningAsync(id, stoppingToken).ConfigureAwait(false);
            var result = await executor.RunAsync(job, registration.Token).ConfigureAwait(false);
            await store.CompleteAsync(id, JobStatus.Succeeded, result, null, CancellationToken.None).ConfigureAwait(false);
            LogSucceeded(logger, id);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogInterrupted(logger, id);
            throw;
        }
        catch (OperationCanceledException) when (registration.Token.IsCancellationRequested)
        {
            await store.CompleteAsync(id, JobStatus.Canceled, null, "canceled by request.", CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception error)
        {
            var message = $"{error.GetType().Name}: {error.Message}";
            LogFailed(logger, id, message);
            await store.CompleteAsync(id, JobStatus.Failed, null, message, CancellationToken.None).ConfigureAwait(false);
            await PublishFailureAsync(id, message).ConfigureAwait(false);
            return true;
        }
    }

    private async Task PublishFailureAsync(string id, string message)
    {
        try
        {
            await events.PublishAsync(new JobFailed(id, message, clock.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // The store already says Failed; a lost event must not hide that.
            LogEventLost(logger, id, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "resuming job {JobId} (was {Status})")]
    private static partial void LogResuming(ILogger logger, string jobId, JobStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} succeeded")]
    private static partial void LogSucceeded(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {JobId} interrupted by shutdown; it resumes at the next start")]
    private static partial void LogInterrupted(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "job {JobId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the JobFailed event of job {JobId} was not published: {Error}")]
    private static partial void LogEventLost(ILogger logger, string jobId, string error);
}
