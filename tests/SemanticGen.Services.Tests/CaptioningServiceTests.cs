using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SemanticGen.Services.Captioning;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Tests;

/// <summary>The captioning service over real Kestrel on loopback with the built-in Shapes World captioner.</summary>
public sealed class CaptioningServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Caption = "a red circle moves right on a gray background";

    [Fact]
    public async Task Captions_a_ground_truth_clip_by_reference()
    {
        using var root = new TempFolder();
        var video = await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        await using var service = await LoopbackApp.StartAsync(CaptioningService.Build(LoopbackApp.Args($"Artifacts:Root={root.Path}")));

        using var response = await service.Client.PostAsJsonAsync("/caption", new CaptionCall("clip.mp4"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<CaptionReply>(Ct))!.Caption.Should().Be(Caption);
        File.Exists(video).Should().BeTrue();
    }

    [Fact]
    public async Task A_path_outside_the_artifact_root_is_a_400_problem()
    {
        using var root = new TempFolder();
        await using var service = await LoopbackApp.StartAsync(CaptioningService.Build(LoopbackApp.Args($"Artifacts:Root={root.Path}")));

        using var response = await service.Client.PostAsJsonAsync("/caption", new CaptionCall("../../etc/passwd"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        problem.RootElement.GetProperty("errors").GetProperty("videoPath")[0].GetString().Should().Contain("outside the artifact root");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        using var root = new TempFolder();
        await using var service = await LoopbackApp.StartAsync(CaptioningService.Build(
            LoopbackApp.Args($"Artifacts:Root={root.Path}", "Service:MaxRequestBodyBytes=2048")));

        using var response = await service.Client.PostAsJsonAsync("/caption", new CaptionCall(new string('a', 5000)), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task With_an_app_token_configured_only_requests_carrying_it_pass()
    {
        using var root = new TempFolder();
        await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        await using var service = await LoopbackApp.StartAsync(CaptioningService.Build(
            LoopbackApp.Args($"Artifacts:Root={root.Path}", "Service:AppApiToken=s3cret-token")));

        using var missing = await service.Client.PostAsJsonAsync("/caption", new CaptionCall("clip.mp4"), Ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/caption") { Content = JsonContent.Create(new CaptionCall("clip.mp4")) };
        wrong.Headers.Add("dapr-api-token", "s3cret-tokeX");
        using var wrongResponse = await service.Client.SendAsync(wrong, Ct);
        using var right = new HttpRequestMessage(HttpMethod.Post, "/caption") { Content = JsonContent.Create(new CaptionCall("clip.mp4")) };
        right.Headers.Add("dapr-api-token", "s3cret-token");
        using var rightResponse = await service.Client.SendAsync(right, Ct);
        using var health = await service.Client.GetAsync("/healthz", Ct);

        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrongResponse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        rightResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
