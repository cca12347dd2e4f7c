using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Media;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Stages;
using SemanticGen.Services.LatentGeneration;
using SemanticGen.Services.SemanticGeneration;
using SemanticGen.Weights;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The semantic-generation and latent-generation services over real Kestrel on loopback, composed as their Program.cs
/// does (<see cref="PipelineStages.Register"/>: the real pipeline from Pipeline:Folder, an untrained shapes-v1 folder).
/// </summary>
public sealed class GenerationServicesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Prompt = "a green triangle moves up on a white background";

    private static Task<LoopbackApp> SemanticAsync(TempFolder root, params string[] settings) =>
        LoopbackApp.StartAsync(SemanticGenerationService.Build(
            LoopbackApp.Args([$"Artifacts:Root={root.Path}", $"Pipeline:Folder={TinyPipeline.Folder}", .. settings]), PipelineStages.Register));

    private static Task<LoopbackApp> LatentAsync(TempFolder root, params string[] settings) =>
        LoopbackApp.StartAsync(LatentGenerationService.Build(
            LoopbackApp.Args([$"Artifacts:Root={root.Path}", $"Pipeline:Folder={TinyPipeline.Folder}", .. settings]), PipelineStages.Register));

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("errors").Clone();
    }

    [Fact]
    public async Task Semantics_then_render_pass_artifacts_by_reference_through_the_real_pipeline()
    {
        using var root = new TempFolder();
        await using var semantic = await SemanticAsync(root);
        await using var latent = await LatentAsync(root);
        var request = new GenerationRequest(Prompt, Seed: 11, Steps: TinyPipeline.Steps);

        using var semanticsResponse = await semantic.Client.PostAsJsonAsync("/semantics", new SemanticsCall(request, "semantics.safetensors"), JobJson.Options, Ct);
        semanticsResponse.StatusCode.Should().Be(HttpStatusCode.OK, await semanticsResponse.Content.ReadAsStringAsync(Ct));
        var artifact = (await semanticsResponse.Content.ReadFromJsonAsync<SemanticArtifact>(JobJson.Options, Ct))!;
        using var renderResponse = await latent.Client.PostAsJsonAsync("/render", new RenderCall(artifact, request, "video.mp4"), JobJson.Options, Ct);
        renderResponse.StatusCode.Should().Be(HttpStatusCode.OK, await renderResponse.Content.ReadAsStringAsync(Ct));
        var video = (await renderResponse.Content.ReadFromJsonAsync<GeneratedVideo>(JobJson.Options, Ct))!;

        var manifest = TinyPipeline.Manifest;
        artifact.Path.Should().Be(root.File("semantics.safetensors"));
        (artifact.Prompt, artifact.Seed, artifact.Grid).Should().Be((Prompt, 11L, manifest.SemanticGrid));
        using (var file = SafetensorsFile.Open(artifact.Path))
            file.Tensors.Should().NotBeEmpty();
        video.VideoPath.Should().Be(root.File("video.mp4"));
        var info = await new FfmpegVideoReader().ProbeAsync(video.VideoPath, Ct);
        (info.FrameCount, info.Width, info.Height).Should().Be((manifest.Video.Frames, manifest.Video.Width, manifest.Video.Height));
        File.Exists(video.ContactSheetPath).Should().BeTrue();
    }

    [Fact]
    public async Task Invalid_requests_are_400_problems_naming_the_field()
    {
        using var root = new TempFolder();
        await using var semantic = await SemanticAsync(root);
        await using var latent = await LatentAsync(root);
        var artifact = new SemanticArtifact(root.File("missing.safetensors"), Prompt, 0, new SemanticGrid(1, 1, 1), 4);

        using var steps = await semantic.Client.PostAsJsonAsync("/semantics", new SemanticsCall(new GenerationRequest(Prompt, Steps: 0), "s.safetensors"), JobJson.Options, Ct);
        using var outside = await semantic.Client.PostAsJsonAsync("/semantics", new SemanticsCall(new GenerationRequest(Prompt), "/etc/s.safetensors"), JobJson.Options, Ct);
        using var missing = await latent.Client.PostAsJsonAsync("/render", new RenderCall(artifact, new GenerationRequest(Prompt), "v.mp4"), JobJson.Options, Ct);
        using var output = await latent.Client.PostAsJsonAsync("/render",
            new RenderCall(artifact with { Path = "missing.safetensors" }, new GenerationRequest(Prompt), "../v.mp4"), JobJson.Options, Ct);

        (await ErrorsAsync(steps)).EnumerateObject().Single().Value[0].GetString().Should().Contain("1–1000");
        (await ErrorsAsync(outside)).GetProperty("artifactPath")[0].GetString().Should().Contain("outside the artifact root");
        (await ErrorsAsync(missing)).GetProperty("semantics.path")[0].GetString().Should().Contain("does not exist");
        (await ErrorsAsync(output)).EnumerateObject().Should().ContainSingle();
        Directory.GetFiles(root.Path).Should().BeEmpty("no request reached a stage");
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_413_and_only_token_bearers_pass()
    {
        using var root = new TempFolder();
        await using var semantic = await SemanticAsync(root, "Service:MaxRequestBodyBytes=2048", "Service:AppApiToken=app-token");
        await using var latent = await LatentAsync(root, "Service:MaxRequestBodyBytes=2048", "Service:AppApiToken=app-token");
        var big = new SemanticsCall(new GenerationRequest(new string('a', 5000)), "s.safetensors");
        var outside = new SemanticsCall(new GenerationRequest(Prompt), "/etc/s.safetensors");

        async Task<HttpStatusCode> SendAsync(LoopbackApp app, string path, object body, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: JobJson.Options) };
            if (token is not null)
                request.Headers.Add("dapr-api-token", token);
            using var response = await app.Client.SendAsync(request, Ct);
            return response.StatusCode;
        }

        (await SendAsync(semantic, "/semantics", big, "app-token")).Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await SendAsync(latent, "/render", big, "app-token")).Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await SendAsync(semantic, "/semantics", outside, null)).Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(semantic, "/semantics", outside, "app-tokem")).Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(latent, "/render", outside, "wrong")).Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(semantic, "/semantics", outside, "app-token")).Should().Be(HttpStatusCode.BadRequest, "the token passes; the path does not");
        using var health = await latent.Client.GetAsync("/healthz", Ct);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void A_folder_that_is_not_a_pipeline_is_a_start_up_error_naming_the_key()
    {
        using var root = new TempFolder();

        var act = () => SemanticGenerationService.Build(
            LoopbackApp.Args($"Artifacts:Root={root.Path}", $"Pipeline:Folder={root.Path}"), PipelineStages.Register);

        act.Should().Throw<InvalidOperationException>().WithMessage("*Pipeline:Folder*pipeline.json is missing*");
    }
}
