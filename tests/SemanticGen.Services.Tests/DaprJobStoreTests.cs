using System.Text.Json;
using Dapr.Client;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The shared behaviour on <see cref="DaprJobStore"/> over the real DaprClient and
/// <see cref="DaprClientSidecarFakeForTests"/>, plus what is particular to it: one key per job in the
/// <see cref="DaprNames.StateStore"/> component, and updates that lose a race to another writer (a stale ETag) are
/// re-read and re-applied instead of overwriting the other write.
/// </summary>
public sealed class DaprJobStoreTests : JobStoreBehaviourTests
{
    private readonly DaprClientSidecarFakeForTests _sidecar = new();
    private readonly DaprClient _dapr;
    private readonly DaprJobStore _store;

    public DaprJobStoreTests()
    {
        _dapr = _sidecar.Client();
        _store = new DaprJobStore(_dapr);
    }

    protected override IJobStore Store => _store;

    [Fact]
    public async Task A_job_is_one_json_document_under_its_key_in_the_jobstate_component()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        await Store.RecordActivityAsync(job.Id, "semantics", """{"path":"a"}""", Ct);

        _sidecar.Keys.Should().Equal((DaprNames.StateStore, $"job-{job.Id}"));
        using var document = JsonDocument.Parse(_sidecar.Value(DaprNames.StateStore, $"job-{job.Id}")!);
        document.RootElement.GetProperty("job").GetProperty("request").GetProperty("kind").GetString().Should().Be("text-to-video");
        document.RootElement.GetProperty("job").GetProperty("status").GetString().Should().Be("accepted");
        document.RootElement.GetProperty("activities").GetProperty("semantics").GetString().Should().Be("""{"path":"a"}""");
        var reused = () => Store.AddAsync(job, Ct);
        await reused.Should().ThrowAsync<InvalidOperationException>().WithMessage($"*{job.Id}*already exists*");
    }

    [Fact]
    public async Task A_progress_update_that_loses_the_race_to_a_cancel_is_retried_and_does_not_revive_the_job()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        await Store.MarkRunningAsync(job.Id, Ct);
        // Between the progress update's read and its write, another replica cancels the job.
        var other = new DaprJobStore(_dapr);
        _sidecar.BeforeNextWrite(() => other.CompleteAsync(job.Id, JobStatus.Canceled, null, "canceled by request.", Ct));
        var conflictsBefore = _sidecar.Conflicts;

        await Store.ReportProgressAsync(job.Id, "3/5 latent generation", 0.6, Ct);

        _sidecar.Conflicts.Should().Be(conflictsBefore + 1, "the stale write was refused by its ETag");
        var read = (await Store.GetAsync(job.Id, Ct))!;
        (read.Status, read.Error, read.Stage).Should().Be((JobStatus.Canceled, "canceled by request.", (string?)null),
            "the retry re-read the job, saw it terminal and wrote nothing");
    }

    [Fact]
    public async Task Two_runs_recording_the_same_activity_at_once_keep_the_first_output()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        var other = new DaprJobStore(_dapr);
        _sidecar.BeforeNextWrite(() => other.RecordActivityAsync(job.Id, "render", """{"videoPath":"first"}""", Ct));

        await Store.RecordActivityAsync(job.Id, "render", """{"videoPath":"second"}""", Ct);

        (await Store.GetActivityOutputAsync(job.Id, "render", Ct)).Should().Be("""{"videoPath":"first"}""");
        _sidecar.Conflicts.Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_updates_of_one_job_lose_nothing()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        var names = Enumerable.Range(0, 12).Select(i => $"caption:clip{i}.mp4").ToList();

        await Task.WhenAll(names.Select(name => Task.Run(() => new DaprJobStore(_dapr).RecordActivityAsync(job.Id, name, $"\"{name}\"", Ct), Ct)));

        foreach (var name in names)
            (await Store.GetActivityOutputAsync(job.Id, name, Ct)).Should().Be($"\"{name}\"");
    }

    [Fact]
    public async Task A_store_that_refuses_every_write_is_an_error_naming_the_job_after_bounded_attempts()
    {
        var job = NewJob();
        await Store.AddAsync(job, Ct);
        _sidecar.RefuseEveryConditionalWrite = true;
        var writesBefore = _sidecar.Writes;

        var act = () => Store.MarkRunningAsync(job.Id, Ct);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*{job.Id}*ETag*");
        (_sidecar.Writes - writesBefore).Should().Be(DaprJobStore.MaxAttempts);
    }

    [Fact]
    public async Task It_does_not_list_jobs_the_workflow_runtime_resumes_them()
    {
        var act = () => Store.ListUnfinishedAsync(Ct);

        await act.Should().ThrowAsync<NotSupportedException>().WithMessage("*workflow*");
    }
}
