using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Services.Core.Captioning;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The Semantic Kernel captioner as composed by <c>AddSemanticGenCaptioner</c> (Captioning:Type=semantic-kernel), with the
/// real OpenAI connector, real frame reading (ffmpeg) and PNG encoding; only the LLM endpoint is a stub
/// (<see cref="CapturedHttpMessageHandler"/> replying in OpenAI chat-completion format).
/// </summary>
public sealed class SemanticKernelCaptionerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Caption = "a red circle moves right on a gray background";

    private static ICaptioner Captioner(CapturedHttpMessageHandler openAiEndpointStub)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Captioning:Type"] = SemanticKernelCaptioner.Key,
            ["Captioning:Endpoint"] = "http://llm.test:11434/v1",
            ["Captioning:ModelId"] = "vision-model",
            ["Captioning:ApiKey"] = "llm-key",
            ["Captioning:Frames"] = "3",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSemanticGenCaptioner(configuration);
        services.AddHttpClient(SemanticKernelCaptioner.Key).ConfigurePrimaryHttpMessageHandler(() => openAiEndpointStub);
        return services.BuildServiceProvider().GetRequiredService<ICaptioner>();
    }

    private static HttpResponseMessage ChatCompletion(string content) => CapturedHttpMessageHandler.Json(JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_764_000_000,
        model = "vision-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 900, completion_tokens = 10, total_tokens = 910 },
    }));

    [Fact]
    public async Task Sends_the_instruction_and_the_sampled_frames_as_png_images_and_returns_the_reply()
    {
        using var root = new TempFolder();
        var video = await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        var stub = new CapturedHttpMessageHandler((_, _) => ChatCompletion($"  {Caption}\n"));

        var caption = await Captioner(stub).CaptionAsync(video, Ct);

        caption.Should().Be(Caption);
        var (request, body) = stub.Requests.Should().ContainSingle().Subject;
        request.RequestUri.Should().Be(new Uri("http://llm.test:11434/v1/chat/completions"));
        request.Header("Authorization").Should().Equal("Bearer llm-key");
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("model").GetString().Should().Be("vision-model");
        var parts = json.RootElement.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        parts[0].GetProperty("type").GetString().Should().Be("text");
        parts[0].GetProperty("text").GetString().Should().Be(SemanticKernelCaptioner.Instruction);
        var images = parts.Skip(1).ToList();
        images.Should().HaveCount(3).And.OnlyContain(p => p.GetProperty("type").GetString() == "image_url");
        foreach (var image in images)
        {
            var url = image.GetProperty("image_url").GetProperty("url").GetString()!;
            url.Should().StartWith("data:image/png;base64,");
            Convert.FromBase64String(url["data:image/png;base64,".Length..]).Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        }
    }

    [Fact]
    public async Task A_malformed_reply_is_a_captioning_error_naming_the_video_and_model()
    {
        using var root = new TempFolder();
        var video = await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        var stub = new CapturedHttpMessageHandler((_, _) => CapturedHttpMessageHandler.Json("<html>502 bad gateway</html>"));

        var act = () => Captioner(stub).CaptionAsync(video, Ct);

        var error = (await act.Should().ThrowAsync<CaptioningException>()).Which;
        error.Message.Should().Contain(video).And.Contain("vision-model").And.Contain("no usable reply");
    }

    [Fact]
    public async Task An_empty_reply_is_a_captioning_error()
    {
        using var root = new TempFolder();
        var video = await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        var stub = new CapturedHttpMessageHandler((_, _) => ChatCompletion("   "));

        var act = () => Captioner(stub).CaptionAsync(video, Ct);

        (await act.Should().ThrowAsync<CaptioningException>()).Which.Message.Should().Contain("empty caption");
    }

    [Fact]
    public async Task An_http_error_from_the_endpoint_is_a_captioning_error()
    {
        using var root = new TempFolder();
        var video = await ShapesClips.WriteAsync(root.File("clip.mp4"), Caption);
        var stub = new CapturedHttpMessageHandler((_, _) =>
            CapturedHttpMessageHandler.Json("""{"error":{"message":"model not found","type":"invalid_request_error"}}""", HttpStatusCode.NotFound));

        var act = () => Captioner(stub).CaptionAsync(video, Ct);

        (await act.Should().ThrowAsync<CaptioningException>()).Which.Message.Should().Contain("model not found");
    }
}
