using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Media;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;
using SemanticGen.Services.Orchestrator;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The orchestrator with the stages embedded, over real Kestrel, SQLite and ffmpeg. Jobs run the REAL pipeline (an
/// untrained shapes-v1 folder, <see cref="TinyPipeline"/>); the tests about the job machinery itself (bounded queue,
/// kill and restart) say so in their names and use <see cref="GroundTruthShapesStagesTestDouble"/>, whose delays and call
/// counters they need.
/// </summary>
public sealed class EmbeddedOrchestratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Prompt = "a blue square moves down on a black background";

    private static Task<LoopbackApp> StartAsync(TempFolder root, GroundTruthShapesStagesTestDouble stages, params string[] settings) =>
        LoopbackApp.StartAsync(OrchestratorService.Build(
            LoopbackApp.Args([$"Artifacts:Root={root.Path}", .. settings]), GroundTruthStagesModuleTestDouble.With(stages)));

    /// <summary>The orchestrator as Program.cs composes it: the real pipeline from Pipeline:Folder.</summary>
    private static Task<LoopbackApp> StartRealAsync(TempFolder root, params string[] settings) =>
        LoopbackApp.StartAsync(OrchestratorService.Build(
            LoopbackApp.Args([$"Artifacts:Root={root.Path}", $"Pipeline:Folder={TinyPipeline.Folder}", .. settings]), PipelineStages.Register));

    [Fact]
    public async Task Submit_progress_and_an_mp4_on_disk()
    {
        using var root = new TempFolder();
        await using var service = await StartRealAsync(root);

        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt, Seed: 7, Steps: TinyPipeline.Steps));
        var (job, progress) = await JobPolling.UntilTerminalAsync(service.Client, accepted.Id);

        job.Status.Should().Be(JobStatus.Succeeded, job.Error);
        progress.Should().Contain(p => p > 0 && p < 1, "progress is reported while the job runs");
        var result = (await service.Client.GetFromJsonAsync<JobResult>($"/jobs/{job.Id}/result", JobJson.Options, Ct))!;
        result.VideoPath.Should().StartWith(root.Path).And.EndWith(Path.Combine(job.Id, "video.mp4"));
        var info = await new FfmpegVideoReader().ProbeAsync(result.VideoPath!, Ct);
        info.FrameCount.Should().Be(TinyPipeline.Manifest.Video.Frames);
        File.Exists(result.ContactSheetPath).Should().BeTrue();
        File.Exists(result.SemanticsPath).Should().BeTrue();
        result.Prompt.Should().Be(Prompt);
    }

    [Fact]
    public async Task A_prompt_less_job_captions_its_video_first()
    {
        using var root = new TempFolder();
        await ShapesClips.WriteAsync(root.File("in.mp4"), Prompt);
        await using var service = await StartRealAsync(root);

        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Video: "in.mp4", Steps: TinyPipeline.Steps));
        var (job, _) = await JobPolling.UntilTerminalAsync(service.Client, accepted.Id);

        job.Status.Should().Be(JobStatus.Succeeded, job.Error);
        job.Result!.Prompt.Should().Be(Prompt);
    }

    [Fact]
    public async Task Invalid_jobs_are_400_problems_naming_the_field()
    {
        using var root = new TempFolder();
        await using var service = await StartRealAsync(root);

        using var response = await service.Client.PostAsJsonAsync("/jobs", new JobRequest(JobKind.TextToVideo, "  ", Steps: 0), JobJson.Options, Ct);
        using var folder = await service.Client.PostAsJsonAsync("/jobs", new JobRequest(JobKind.CaptionFolder, Folder: "/etc"), JobJson.Options, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors");
        errors.GetProperty("prompt")[0].GetString().Should().Contain("empty");
        errors.GetProperty("steps")[0].GetString().Should().Contain("1–1000");
        folder.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await folder.Content.ReadAsStringAsync(Ct)).Should().Contain("outside the artifact root");
    }

    [Fact]
    public async Task A_long_video_job_is_accepted_and_fails_clearly_without_a_long_video_pipeline()
    {
        using var root = new TempFolder();
        await using var service = await StartRealAsync(root);

        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.LongVideo, Outline: "a red circle, then a blue square", Seed: 1));
        var (job, _) = await JobPolling.UntilTerminalAsync(service.Client, accepted.Id);

        job.Status.Should().Be(JobStatus.Failed);
        job.Error.Should().Contain("long-video generation is not available in this build");
        using var result = await service.Client.GetAsync($"/jobs/{job.Id}/result", Ct);
        result.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_caption_folder_job_writes_a_loadable_captions_file()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.File("raw"));
        await ShapesClips.WriteAsync(root.File("raw/a.mp4"), Prompt);
        await ShapesClips.WriteAsync(root.File("raw/b.mp4"), "a green triangle stays still on a navy background");
        await using var service = await StartRealAsync(root);

        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.CaptionFolder, Folder: "raw"));
        var (job, _) = await JobPolling.UntilTerminalAsync(service.Client, accepted.Id);

        job.Status.Should().Be(JobStatus.Succeeded, job.Error);
        var folder = SemanticGen.Data.Captioned.CaptionedVideoFolder.Load(root.File("raw"));
        folder.Videos.Select(v => v.Caption).Should().Equal(Prompt, "a green triangle stays still on a navy background");
    }

    [Fact]
    public async Task Job_machinery_with_the_stage_test_double_bounded_load_excess_gets_429_with_retry_after_and_every_accepted_job_ends()
    {
        using var root = new TempFolder();
        var stages = new GroundTruthShapesStagesTestDouble(TimeSpan.FromMilliseconds(100));
        await using var service = await StartAsync(root, stages, "Jobs:QueueCapacity=3", "Jobs:RetryAfterSeconds=7");

        var submissions = Enumerable.Range(0, 12).Select(i =>
            service.Client.PostAsJsonAsync("/jobs", new JobRequest(JobKind.TextToVideo, Prompt, Seed: i), JobJson.Options, Ct));
        var responses = await Task.WhenAll(submissions);

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        (accepted.Count + refused.Count).Should().Be(12);
        accepted.Count.Should().BeInRange(3, 11);
        refused.Should().NotBeEmpty().And.OnlyContain(r => r.Headers.RetryAfter!.Delta == TimeSpan.FromSeconds(7));
        foreach (var response in accepted)
        {
            var job = (await response.Content.ReadFromJsonAsync<JobRecord>(JobJson.Options, Ct))!;
            (await JobPolling.UntilTerminalAsync(service.Client, job.Id)).Job.Status.Should().Be(JobStatus.Succeeded);
        }

        stages.RenderCalls.Should().Be(accepted.Count);
        service.App.Services.GetRequiredService<JobQueue>().Pending.Should().Be(0);
    }

    [Fact]
    public async Task Job_machinery_with_the_stage_test_double_killed_mid_job_then_restarted_on_the_same_database_the_job_completes_with_one_artifact()
    {
        using var root = new TempFolder();
        var first = new GroundTruthShapesStagesTestDouble(TimeSpan.FromSeconds(1));
        string id;
        await using (var service = await StartAsync(root, first))
        {
            id = (await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt, Seed: 5))).Id;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (first.SemanticCalls == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(20, Ct);
            first.SemanticCalls.Should().Be(1, "stage 1 finished before the host is killed");
        }

        first.RenderCalls.Should().Be(0, "the host was disposed while stage 2 ran");
        var second = new GroundTruthShapesStagesTestDouble();
        await using (var service = await StartAsync(root, second))
        {
            var (job, _) = await JobPolling.UntilTerminalAsync(service.Client, id);
            job.Status.Should().Be(JobStatus.Succeeded, job.Error);
            job.Attempts.Should().Be(2);
        }

        second.SemanticCalls.Should().Be(0, "the recorded stage-1 activity is not run again");
        second.RenderCalls.Should().Be(1);
        var jobFolder = Path.Combine(root.Path, "jobs", id);
        Directory.GetFiles(jobFolder).Select(Path.GetFileName).Should().BeEquivalentTo(["semantics.safetensors", "video.mp4", "video.png"]);
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_at_the_next_stage_and_a_queued_job_before_it_starts()
    {
        using var root = new TempFolder();
        await using var service = await StartRealAsync(root, "Jobs:Concurrency=1");
        var running = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt, Seed: 1, Steps: 30));
        var queued = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt, Seed: 2, Steps: TinyPipeline.Steps));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await service.Client.GetFromJsonAsync<JobRecord>($"/jobs/{running.Id}", JobJson.Options, Ct))!.Status != JobStatus.Running
               && DateTime.UtcNow < deadline)
            await Task.Delay(20, Ct);

        using var cancelQueued = await service.Client.PostAsync($"/jobs/{queued.Id}/cancel", null, Ct);
        using var cancelRunning = await service.Client.PostAsync($"/jobs/{running.Id}/cancel", null, Ct);
        var (first, _) = await JobPolling.UntilTerminalAsync(service.Client, running.Id);
        var (second, _) = await JobPolling.UntilTerminalAsync(service.Client, queued.Id);
        using var again = await service.Client.PostAsync($"/jobs/{running.Id}/cancel", null, Ct);

        cancelQueued.StatusCode.Should().Be(HttpStatusCode.Accepted);
        cancelRunning.StatusCode.Should().Be(HttpStatusCode.Accepted);
        first.Status.Should().Be(JobStatus.Canceled, first.Error);
        second.Status.Should().Be(JobStatus.Canceled);
        second.Error.Should().Contain("before it started");
        File.Exists(Path.Combine(root.Path, "jobs", running.Id, "video.mp4")).Should().BeFalse("the render stage never ran");
        Directory.Exists(Path.Combine(root.Path, "jobs", queued.Id)).Should().BeFalse("the queued job never ran");
        again.StatusCode.Should().Be(HttpStatusCode.NotFound, "a terminal job cannot be canceled");
        using var result = await service.Client.GetAsync($"/jobs/{running.Id}/result", Ct);
        result.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }
}
