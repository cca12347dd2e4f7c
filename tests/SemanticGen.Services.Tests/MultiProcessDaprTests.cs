using System.Net;
using System.Net.Http.Json;
using SemanticGen.Media;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The four services as separate processes on loopback (each started from its built dll), the orchestrator in
/// Orchestration:Mode=Dapr with the embedded runner and SQLite store (Runner=Embedded, JobStore=Sqlite: no workflow
/// runtime here) calling the stage services through <see cref="DaprSidecarStandInForTests"/> (the only stand-in:
/// daprd), events embedded. The generation services run the real pipeline (an untrained shapes-v1 folder), the
/// captioning service the built-in Shapes World captioner.
/// </summary>
public sealed class MultiProcessDaprTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Caption = "a red circle moves right on a gray background";
    private const string SidecarToken = "sidecar-token-for-tests";
    private const string AppToken = "app-token-for-tests";

    [Fact]
    public async Task Four_service_processes_behind_a_dapr_sidecar_stand_in_run_a_prompt_less_job_to_an_mp4()
    {
        using var root = new TempFolder();
        await ShapesClips.WriteAsync(root.File("in.mp4"), Caption);
        await using var sidecar = await DaprSidecarStandInForTests.StartAsync(SidecarToken, AppToken);
        string[] stage = [$"Artifacts:Root={root.Path}", $"Service:AppApiToken={AppToken}", $"Pipeline:Folder={TinyPipeline.Folder}"];
        var starting = new[]
        {
            ServiceProcess.StartAsync("SemanticGen.Services.Captioning", stage),
            ServiceProcess.StartAsync("SemanticGen.Services.SemanticGeneration", stage),
            ServiceProcess.StartAsync("SemanticGen.Services.LatentGeneration", stage),
            ServiceProcess.StartAsync("SemanticGen.Services.Orchestrator",
                $"Artifacts:Root={root.Path}", "Orchestration:Mode=Dapr", "Orchestration:Events=Embedded",
                "Orchestration:Runner=Embedded", "Orchestration:JobStore=Sqlite",
                $"Orchestration:DaprHttpEndpoint={sidecar.Endpoint.ToString().TrimEnd('/')}", $"Orchestration:DaprApiToken={SidecarToken}"),
        };
        ServiceProcess[] processes = [];
        try
        {
            processes = await Task.WhenAll(starting);
            var (captioning, semantic, latent, orchestrator) = (processes[0], processes[1], processes[2], processes[3]);
            sidecar.Route(DaprNames.CaptioningAppId, captioning.Address);
            sidecar.Route(DaprNames.SemanticGenerationAppId, semantic.Address);
            sidecar.Route(DaprNames.LatentGenerationAppId, latent.Address);
            using var client = new HttpClient { BaseAddress = orchestrator.Address, Timeout = TimeSpan.FromMinutes(2) };

            var accepted = await JobPolling.SubmitAsync(client, new JobRequest(JobKind.TextToVideo, Video: "in.mp4", Seed: 4, Steps: TinyPipeline.Steps));
            var (job, _) = await JobPolling.UntilTerminalAsync(client, accepted.Id, TimeSpan.FromSeconds(150));

            job.Status.Should().Be(JobStatus.Succeeded, $"{job.Error}\n{string.Join("\n", processes.Select(p => $"--- {p.Name}\n{p.Output}"))}");
            job.Result!.Prompt.Should().Be(Caption, "the captioning process captioned the input video");
            job.Result.VideoPath.Should().Be(Path.Combine(root.Path, "jobs", job.Id, "video.mp4"));
            var info = await new FfmpegVideoReader().ProbeAsync(job.Result.VideoPath!, Ct);
            info.FrameCount.Should().Be(TinyPipeline.Manifest.Video.Frames);
            (info.Width, info.Height).Should().Be((TinyPipeline.Manifest.Video.Width, TinyPipeline.Manifest.Video.Height));
            File.Exists(job.Result.SemanticsPath).Should().BeTrue();
            sidecar.Invocations.Should().Equal(
                (DaprNames.CaptioningAppId, DaprNames.Methods.Caption),
                (DaprNames.SemanticGenerationAppId, DaprNames.Methods.Semantics),
                (DaprNames.LatentGenerationAppId, DaprNames.Methods.Render));

            // The stage services only answer callers carrying the app token (which the sidecar adds).
            using var direct = new HttpClient { BaseAddress = captioning.Address };
            using var unauthorised = await direct.PostAsJsonAsync("/caption", new CaptionCall("in.mp4"), Ct);
            unauthorised.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        finally
        {
            foreach (var process in processes)
                await process.DisposeAsync();
        }
    }
}
