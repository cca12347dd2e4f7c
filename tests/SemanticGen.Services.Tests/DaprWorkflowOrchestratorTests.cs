using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;
using SemanticGen.Services.Core.Workflow;
using SemanticGen.Services.Orchestrator;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The orchestrator in Orchestration:Mode=Dapr as composed by DI: jobs are scheduled as Dapr Workflow instances through
/// the REAL DaprWorkflowClient (its gRPC channel ending in <see cref="DaprWorkflowSidecarFakeForTests"/>), and job status
/// lives in <see cref="DaprJobStore"/> over the REAL DaprClient (ending in <see cref="DaprClientSidecarFakeForTests"/>).
/// No workflow runs here (no Dapr runtime): the workflow itself is covered by TextToVideoWorkflowTests.
/// </summary>
public sealed class DaprWorkflowOrchestratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string SidecarToken = "sidecar-token-for-tests";

    private sealed class Sidecar
    {
        public DaprWorkflowSidecarFakeForTests Workflows { get; } = new();

        public DaprClientSidecarFakeForTests State { get; } = new();
    }

    // The orchestrator as Program.cs builds it in Dapr mode, its Dapr SDK channels ending in the fakes; the workflow
    // worker (which would stream work items from a sidecar) is left out when the app is started.
    private static WebApplication Build(TempFolder root, Sidecar sidecar, bool withoutWorker, params string[] settings) =>
        OrchestratorService.Build(
            LoopbackApp.Args([$"Artifacts:Root={root.Path}", "Orchestration:Mode=Dapr", $"Orchestration:DaprApiToken={SidecarToken}",
                "DAPR_GRPC_ENDPOINT=http://127.0.0.1:9", .. settings]),
            configure: builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<DaprClient>(_ => sidecar.State.Client()));
                builder.Services.PostConfigureAll<GrpcClientFactoryOptions>(options =>
                    options.ChannelOptionsActions.Add(channel => channel.HttpHandler = sidecar.Workflows));
                if (withoutWorker)
                {
                    foreach (var worker in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "WorkflowWorker").ToList())
                        builder.Services.Remove(worker);
                }
            });

    [Fact]
    public async Task Dapr_mode_composes_the_workflow_runner_and_the_dapr_job_store_without_touching_a_sidecar()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using var app = Build(root, sidecar, withoutWorker: false);

        app.Services.GetRequiredService<IJobStore>().Should().BeOfType<DaprJobStore>();
        app.Services.GetRequiredService<IJobSubmitter>().Should().BeOfType<WorkflowJobSubmitter>();
        app.Services.GetRequiredService<IWorkflowScheduler>().Should().BeOfType<DaprWorkflowScheduler>();
        app.Services.GetRequiredService<DaprWorkflowClient>().Should().NotBeNull();
        var hosted = app.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        hosted.Should().Contain("WorkflowWorker").And.NotContain(nameof(JobRunner));
        app.Services.GetService<JobQueue>().Should().BeNull("no local queue: the workflow runtime schedules the work");
        // The worker builds the activities from this container: everything they need is registered in Dapr mode.
        ActivatorUtilities.CreateInstance<CaptionActivity>(app.Services).Should().NotBeNull();
        ActivatorUtilities.CreateInstance<SemanticsActivity>(app.Services).Should().NotBeNull();
        ActivatorUtilities.CreateInstance<RenderActivity>(app.Services).Should().NotBeNull();
        ActivatorUtilities.CreateInstance<CompleteJobActivity>(app.Services).Should().NotBeNull();
        sidecar.Workflows.Calls.Should().BeEmpty();
        sidecar.State.Writes.Should().Be(0);
    }

    [Fact]
    public async Task Dapr_mode_with_the_embedded_runner_keeps_the_queue_runner_and_sqlite_and_bad_combinations_fail_at_build()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using (var app = Build(root, sidecar, withoutWorker: false, "Orchestration:Runner=Embedded", "Orchestration:JobStore=Sqlite"))
        {
            app.Services.GetRequiredService<IJobStore>().Should().BeOfType<SqliteJobStore>();
            app.Services.GetRequiredService<IJobSubmitter>().Should().BeOfType<JobSubmitter>();
            app.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).Should().Contain(nameof(JobRunner)).And.NotContain("WorkflowWorker");
            app.Services.GetService<DaprWorkflowClient>().Should().BeNull();
        }

        var embeddedRunnerOnDaprStore = () => Build(root, sidecar, withoutWorker: false, "Orchestration:Runner=Embedded");
        embeddedRunnerOnDaprStore.Should().Throw<InvalidOperationException>().WithMessage("*JobStore=Dapr needs Orchestration:Runner=Workflow*");
        var workflowWithoutDapr = () => OrchestratorService.Build(LoopbackApp.Args($"Artifacts:Root={root.Path}", "Orchestration:Runner=Workflow"));
        workflowWithoutDapr.Should().Throw<InvalidOperationException>().WithMessage("*Runner=Workflow needs Orchestration:Mode=Dapr*");
    }

    [Fact]
    public async Task A_submitted_job_is_a_workflow_instance_named_by_its_id_and_its_status_is_read_from_the_state_store()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using var service = await LoopbackApp.StartAsync(Build(root, sidecar, withoutWorker: true));

        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt: "a red circle", Seed: 3, Steps: 2));

        var instance = sidecar.Workflows.Instance(accepted.Id)!.Value;
        instance.Name.Should().Be(nameof(TextToVideoWorkflow));
        var input = JsonSerializer.Deserialize<TextToVideoInput>(instance.Input, JsonSerializerOptions.Web)!;
        input.JobId.Should().Be(accepted.Id);
        input.Request.Should().Be(new JobRequest(JobKind.TextToVideo, Prompt: "a red circle", Seed: 3, Steps: 2));
        sidecar.Workflows.Calls.Should().Contain(("StartInstance", accepted.Id, SidecarToken));
        sidecar.State.Value(DaprNames.StateStore, DaprJobStore.Key(accepted.Id)).Should().NotBeNull();
        sidecar.State.Published.Should().ContainSingle(e => e.PubSub == DaprNames.PubSub && e.Topic == DaprNames.Topics.JobAccepted);
        var job = await service.Client.GetFromJsonAsync<JobRecord>($"/jobs/{accepted.Id}", JobJson.Options, Ct);
        job!.Status.Should().Be(JobStatus.Accepted);

        // The workflow's last activity, as the worker would build and run it, records the result; the API reads it.
        var result = new JobResult(root.File($"jobs/{accepted.Id}/video.mp4"), null, root.File($"jobs/{accepted.Id}/semantics.safetensors"), "a red circle", Count: 1);
        await ActivatorUtilities.CreateInstance<CompleteJobActivity>(service.App.Services)
            .RunAsync(null!, new CompleteJobInput(accepted.Id, JobStatus.Succeeded, result, null));
        (await service.Client.GetFromJsonAsync<JobRecord>($"/jobs/{accepted.Id}", JobJson.Options, Ct))!.Status.Should().Be(JobStatus.Succeeded);
        (await service.Client.GetFromJsonAsync<JobResult>($"/jobs/{accepted.Id}/result", JobJson.Options, Ct)).Should().Be(result);
    }

    [Fact]
    public async Task Cancel_terminates_the_instance_and_kinds_without_a_workflow_are_refused()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using var service = await LoopbackApp.StartAsync(Build(root, sidecar, withoutWorker: true));
        var accepted = await JobPolling.SubmitAsync(service.Client, new JobRequest(JobKind.TextToVideo, Prompt: "a red circle"));

        using var cancel = await service.Client.PostAsync($"/jobs/{accepted.Id}/cancel", null, Ct);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        sidecar.Workflows.Instance(accepted.Id)!.Value.Status.Should().Be(OrchestrationStatus.Terminated);
        (await service.Client.GetFromJsonAsync<JobRecord>($"/jobs/{accepted.Id}", JobJson.Options, Ct))!.Status.Should().Be(JobStatus.Canceled);
        using var again = await service.Client.PostAsync($"/jobs/{accepted.Id}/cancel", null, Ct);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);

        Directory.CreateDirectory(root.File("clips"));
        using var folder = await service.Client.PostAsJsonAsync("/jobs", new JobRequest(JobKind.CaptionFolder, Folder: "clips"), JobJson.Options, Ct);
        folder.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await folder.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").GetProperty("kind")[0].GetString().Should().Be(WorkflowJobSubmitter.KindWithoutWorkflow);
    }

    [Fact]
    public async Task Scheduling_a_job_again_never_starts_a_second_instance_even_when_the_start_races_the_lookup()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using var app = Build(root, sidecar, withoutWorker: false);
        var scheduler = app.Services.GetRequiredService<IWorkflowScheduler>();
        var request = new JobRequest(JobKind.TextToVideo, Prompt: "p");
        var id = JobId.New();

        (await scheduler.ScheduleTextToVideoAsync(id, request, Ct)).Should().BeTrue();
        (await scheduler.ScheduleTextToVideoAsync(id, request, Ct)).Should().BeFalse();
        sidecar.Workflows.Calls.Count(c => c.Method == "StartInstance").Should().Be(1, "the second submission found the instance");

        // Another submission started it between this one's lookup and its start: the refused start is not an error.
        var raced = JobId.New();
        sidecar.Workflows.Add(raced, nameof(TextToVideoWorkflow));
        sidecar.Workflows.HideNextLookups(1);
        (await scheduler.ScheduleTextToVideoAsync(raced, request, Ct)).Should().BeFalse();
        sidecar.Workflows.Calls.Where(c => c.InstanceId == raced).Select(c => c.Method).Should().Equal("GetInstance", "StartInstance", "GetInstance");
    }

    [Fact]
    public async Task A_workflow_that_cannot_be_scheduled_fails_the_job_in_the_store_and_the_request()
    {
        using var root = new TempFolder();
        var sidecar = new Sidecar();
        await using var app = Build(root, sidecar, withoutWorker: false);
        sidecar.Workflows.FailStarts = true;

        var act = () => app.Services.GetRequiredService<IJobSubmitter>().SubmitAsync(new JobRequest(JobKind.TextToVideo, Prompt: "p"), Ct);

        (await act.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unavailable);
        var id = sidecar.Workflows.Calls.Single(c => c.Method == "StartInstance").InstanceId;
        var job = (await app.Services.GetRequiredService<IJobStore>().GetAsync(id, Ct))!;
        job.Status.Should().Be(JobStatus.Failed);
        job.Error.Should().StartWith("the workflow could not be scheduled: RpcException");
        sidecar.State.Published.Should().BeEmpty("a job that never ran was not accepted");
    }
}
