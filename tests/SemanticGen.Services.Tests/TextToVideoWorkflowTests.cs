using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Dapr.Workflow;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Media;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;
using SemanticGen.Services.Core.Stages;
using SemanticGen.Services.Core.Workflow;

namespace SemanticGen.Services.Tests;

/// <summary>
/// <see cref="TextToVideoWorkflow"/> against <see cref="FakeWorkflowContextForTests"/>, with its real activities over the
/// real SQLite store, the real pipeline (untrained shapes-v1) and the Shapes World captioner; the only double is the
/// sidecar hiccup in front of the render stage.
/// </summary>
public sealed class TextToVideoWorkflowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Caption = "a red circle moves right on a gray background";

    private sealed class Harness : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Harness(int failRenders)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [PipelineStages.FolderKey] = TinyPipeline.Folder })
                .Build();
            var services = new ServiceCollection();
            services.AddLogging();
            PipelineStages.Register(services, configuration);
            services.AddSemanticGenCaptioner(configuration);
            _services = services.BuildServiceProvider();
            Root = new ArtifactRoot(Folder.Path);
            Store = new SqliteJobStore(Folder.File("jobs.db"));
            Events = new InProcessJobEvents(NullLogger<InProcessJobEvents>.Instance);
            Stages = new SidecarHiccupStageInvokerTestDouble(new EmbeddedStageInvoker(_services), failRenders);
            var activities = new JobActivities(Store, Stages, Events, Root, TimeProvider.System);
            Activities = [new CaptionActivity(activities), new SemanticsActivity(activities), new RenderActivity(activities),
                new CompleteJobActivity(Store, Events, TimeProvider.System)];
        }

        public TempFolder Folder { get; } = new();

        public ArtifactRoot Root { get; }

        public SqliteJobStore Store { get; }

        public InProcessJobEvents Events { get; }

        public SidecarHiccupStageInvokerTestDouble Stages { get; }

        public IReadOnlyList<Dapr.Workflow.Abstractions.IWorkflowActivity> Activities { get; }

        public FakeWorkflowContextForTests Context(string jobId, IReadOnlyList<FakeWorkflowContextForTests.Recorded>? history = null)
        {
            var context = new FakeWorkflowContextForTests(jobId, history);
            foreach (var activity in Activities)
                context.With(activity);
            return context;
        }

        public async Task<TextToVideoInput> AcceptAsync(JobRequest request)
        {
            var now = DateTimeOffset.UtcNow;
            var job = new JobRecord(JobId.New(), request, JobStatus.Accepted, null, 0, null, null, now, now);
            await Store.AddAsync(job);
            return new TextToVideoInput(job.Id, request);
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            Folder.Dispose();
        }
    }

    [Fact]
    public async Task A_failed_render_is_retried_by_the_policy_then_a_replay_and_a_re_execution_repeat_no_work()
    {
        await using var harness = new Harness(failRenders: 1);
        await ShapesClips.WriteAsync(harness.Folder.File("in.mp4"), Caption);
        var input = await harness.AcceptAsync(new JobRequest(JobKind.TextToVideo, Video: "in.mp4", Seed: 9, Steps: TinyPipeline.Steps));

        var first = harness.Context(input.JobId);
        var result = await new TextToVideoWorkflow().RunAsync(first, input);

        first.Executed.Should().Equal(nameof(CaptionActivity), nameof(SemanticsActivity), nameof(RenderActivity), nameof(RenderActivity),
            nameof(CompleteJobActivity));
        first.RetryDelays.Should().Equal([WorkflowRetries.Stage.RetryPolicy!.FirstRetryInterval], "one failed attempt waits the first retry interval");
        first.CustomStatuses.Should().Equal("caption input video", GenerationStages.Semantic, GenerationStages.Latent);
        (harness.Stages.CaptionCalls, harness.Stages.SemanticCalls, harness.Stages.FailedRenders, harness.Stages.RenderCalls).Should().Be((1, 1, 1, 1));
        result.Prompt.Should().Be(Caption);
        result.VideoPath.Should().Be(harness.Root.VideoPath(input.JobId));
        (await new FfmpegVideoReader().ProbeAsync(result.VideoPath!, Ct)).FrameCount.Should().Be(TinyPipeline.Manifest.Video.Frames);
        var stored = (await harness.Store.GetAsync(input.JobId, Ct))!;
        stored.Status.Should().Be(JobStatus.Succeeded);
        stored.Result.Should().Be(result);
        var written = File.GetLastWriteTimeUtc(result.VideoPath!);
        var events = harness.Events.Recent.Count;
        events.Should().Be(2, "SemanticsGenerated and VideoRendered, once each");

        // Replay (what the runtime does after every await): the recorded outputs come back, nothing runs.
        var replay = harness.Context(input.JobId, first.History);
        var replayed = await new TextToVideoWorkflow().RunAsync(replay, input);
        replayed.Should().Be(result);
        replay.Executed.Should().BeEmpty();
        replay.History.Should().Equal(first.History);

        // Re-execution with the history lost (at-least-once activity delivery): the activities run, but their recorded
        // completions in the job store mean no stage runs again and no second artifact appears.
        var again = harness.Context(input.JobId);
        var rerun = await new TextToVideoWorkflow().RunAsync(again, input);
        rerun.Should().Be(result);
        again.Executed.Should().Equal(nameof(CaptionActivity), nameof(SemanticsActivity), nameof(RenderActivity), nameof(CompleteJobActivity));
        (harness.Stages.CaptionCalls, harness.Stages.SemanticCalls, harness.Stages.RenderCalls).Should().Be((1, 1, 1));
        File.GetLastWriteTimeUtc(result.VideoPath!).Should().Be(written);
        Directory.GetFiles(harness.Root.JobFolder(input.JobId)).Select(Path.GetFileName)
            .Should().BeEquivalentTo(["semantics.safetensors", "video.mp4", "video.png"]);
        harness.Events.Recent.Should().HaveCount(events);
    }

    [Fact]
    public async Task A_replay_that_takes_another_path_is_caught_as_non_deterministic()
    {
        await using var harness = new Harness(failRenders: 0);
        var input = await harness.AcceptAsync(new JobRequest(JobKind.TextToVideo, "a blue square moves down on a black background", Seed: 1,
            Steps: TinyPipeline.Steps));
        var first = harness.Context(input.JobId);
        await new TextToVideoWorkflow().RunAsync(first, input);

        var changed = input with { Request = input.Request with { Seed = 2 } };
        var replay = harness.Context(input.JobId, first.History);
        var act = () => new TextToVideoWorkflow().RunAsync(replay, changed);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("non-deterministic workflow*");
        replay.Executed.Should().BeEmpty();
    }

    [Fact]
    public async Task Retries_exhausted_fail_the_job_once_with_the_stage_error()
    {
        await using var harness = new Harness(failRenders: int.MaxValue);
        var input = await harness.AcceptAsync(new JobRequest(JobKind.TextToVideo, "a blue square moves down on a black background", Seed: 3,
            Steps: TinyPipeline.Steps));

        var context = harness.Context(input.JobId);
        var act = () => new TextToVideoWorkflow().RunAsync(context, input);

        await act.Should().ThrowAsync<WorkflowTaskFailedException>();
        var policy = WorkflowRetries.Stage.RetryPolicy!;
        context.Executed.Count(name => name == nameof(RenderActivity)).Should().Be(policy.MaxNumberOfAttempts);
        context.RetryDelays.Should().Equal(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        context.Executed.Last().Should().Be(nameof(CompleteJobActivity));
        var job = (await harness.Store.GetAsync(input.JobId, Ct))!;
        job.Status.Should().Be(JobStatus.Failed);
        job.Error.Should().Contain("HTTP 503").And.Contain("latent-generation/render");
        harness.Events.Recent.OfType<JobFailed>().Should().ContainSingle();
        File.Exists(harness.Root.VideoPath(input.JobId)).Should().BeFalse();
    }
}
