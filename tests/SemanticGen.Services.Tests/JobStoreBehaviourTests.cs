using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Tests;

/// <summary>
/// What every <see cref="IJobStore"/> must do, run against each implementation: <see cref="SqliteJobStore"/> on a file,
/// and <see cref="DaprJobStore"/> over the real DaprClient and <see cref="DaprClientSidecarFakeForTests"/>.
/// </summary>
public abstract class JobStoreBehaviourTests : IDisposable
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TempFolder Folder { get; } = new();

    /// <summary>The store under test (a fresh one per test).</summary>
    protected abstract IJobStore Store { get; }

    protected static JobRecord NewJob(string prompt = "a red circle moves right", DateTimeOffset? at = null)
    {
        var now = at ?? new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        return new JobRecord(JobId.New(), new JobRequest(JobKind.TextToVideo, Prompt: prompt, Seed: 7, Steps: 3, Guidance: 2.5),
            JobStatus.Accepted, null, 0, null, null, now, now);
    }

    [Fact]
    public async Task A_stored_job_reads_back_as_accepted_with_its_request()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);

        var read = await Store.GetAsync(job.Id, Ct);

        read.Should().BeEquivalentTo(job);
        (await Store.GetAsync(JobId.New(), Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Running_counts_attempts_and_progress_is_recorded_and_clamped()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);

        await Store.MarkRunningAsync(job.Id, Ct);
        await Store.MarkRunningAsync(job.Id, Ct);
        await Store.ReportProgressAsync(job.Id, "2/5 semantic generation", 1.7, Ct);

        var read = (await Store.GetAsync(job.Id, Ct))!;
        read.Status.Should().Be(JobStatus.Running);
        read.Attempts.Should().Be(2);
        read.Stage.Should().Be("2/5 semantic generation");
        read.Progress.Should().Be(1.0);
        read.UpdatedAt.Should().BeOnOrAfter(job.UpdatedAt);
    }

    [Fact]
    public async Task A_terminal_job_is_never_changed_again()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        await Store.ReportProgressAsync(job.Id, "3/5 latent generation", 0.6, Ct);
        var result = new JobResult("/a/jobs/x/video.mp4", "/a/jobs/x/video.png", "/a/jobs/x/semantics.safetensors", Prompt: "p", Count: 1);

        await Store.CompleteAsync(job.Id, JobStatus.Succeeded, result, null, Ct);
        await Store.CompleteAsync(job.Id, JobStatus.Failed, null, "late failure", Ct);
        await Store.MarkRunningAsync(job.Id, Ct);
        await Store.ReportProgressAsync(job.Id, "late", 0.1, Ct);

        var read = (await Store.GetAsync(job.Id, Ct))!;
        read.Status.Should().Be(JobStatus.Succeeded);
        read.Result.Should().Be(result);
        read.Error.Should().BeNull();
        read.Progress.Should().Be(1.0);
        read.Stage.Should().Be("3/5 latent generation");
        read.Attempts.Should().Be(0);
    }

    [Fact]
    public async Task A_failure_keeps_the_progress_reached_and_records_the_error()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        await Store.ReportProgressAsync(job.Id, "3/5 latent generation", 0.6, Ct);

        await Store.CompleteAsync(job.Id, JobStatus.Failed, null, "StageInvocationException: 503", Ct);

        var read = (await Store.GetAsync(job.Id, Ct))!;
        (read.Status, read.Error, read.Progress, read.Result).Should().Be((JobStatus.Failed, "StageInvocationException: 503", 0.6, (JobResult?)null));
        var act = () => Store.CompleteAsync(job.Id, JobStatus.Running, null, null, Ct);
        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task The_first_recorded_activity_output_is_the_only_one_per_job()
    {
        var (first, second) = (NewJob(), NewJob());
        await Store.AddAsync(first, Ct);
        await Store.AddAsync(second, Ct);

        (await Store.GetActivityOutputAsync(first.Id, "semantics", Ct)).Should().BeNull();
        await Store.RecordActivityAsync(first.Id, "semantics", """{"path":"a"}""", Ct);
        await Store.RecordActivityAsync(first.Id, "semantics", """{"path":"b"}""", Ct);
        await Store.RecordActivityAsync(first.Id, "caption:clip 1.mp4", "\"a red circle\"", Ct);

        (await Store.GetActivityOutputAsync(first.Id, "semantics", Ct)).Should().Be("""{"path":"a"}""");
        (await Store.GetActivityOutputAsync(first.Id, "caption:clip 1.mp4", Ct)).Should().Be("\"a red circle\"");
        (await Store.GetActivityOutputAsync(second.Id, "semantics", Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Updates_of_an_unknown_job_change_nothing()
    {
        var id = JobId.New();

        await Store.MarkRunningAsync(id, Ct);
        await Store.ReportProgressAsync(id, "s", 0.5, Ct);
        await Store.CompleteAsync(id, JobStatus.Failed, null, "e", Ct);

        (await Store.GetAsync(id, Ct)).Should().BeNull();
    }

    public void Dispose()
    {
        (Store as IDisposable)?.Dispose();
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The shared behaviour, and listing for restart recovery, on <see cref="SqliteJobStore"/>.</summary>
public sealed class SqliteJobStoreBehaviourTests : JobStoreBehaviourTests
{
    private readonly Lazy<SqliteJobStore> _store;

    public SqliteJobStoreBehaviourTests() => _store = new(() => new SqliteJobStore(Folder.File("jobs.db")));

    protected override IJobStore Store => _store.Value;

    [Fact]
    public async Task Unfinished_jobs_are_listed_oldest_first_for_restart_recovery()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var (older, newer, done) = (NewJob(at: at), NewJob(at: at.AddMinutes(1)), NewJob(at: at.AddSeconds(30)));
        await Store.AddAsync(newer, Ct);
        await Store.AddAsync(older, Ct);
        await Store.AddAsync(done, Ct);
        await Store.MarkRunningAsync(newer.Id, Ct);
        await Store.CompleteAsync(done.Id, JobStatus.Canceled, null, "canceled", Ct);

        (await Store.ListUnfinishedAsync(Ct)).Select(j => j.Id).Should().Equal(older.Id, newer.Id);
    }
}
