using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Tests;

/// <summary>
/// The Dapr adapters at the SDK boundary: the stage invoker as composed by DI for Orchestration:Mode=Dapr (the SDK's
/// InvocationHandler included) against a captured HttpMessageHandler in place of the sidecar, and event publishing through
/// the real DaprClient whose gRPC channel ends in a captured handler.
/// </summary>
public sealed class DaprAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IStageInvoker DaprInvoker(TempFolder root, CapturedHttpMessageHandler sidecar)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Artifacts:Root"] = root.Path,
            ["Orchestration:Mode"] = "Dapr",
            ["Orchestration:Events"] = "Embedded",
            ["Orchestration:DaprHttpEndpoint"] = "http://127.0.0.1:3591",
            ["Orchestration:DaprApiToken"] = "sidecar-token",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSemanticGenJobs(configuration);
        services.AddHttpClient(DaprStageInvoker.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => sidecar);
        return services.BuildServiceProvider().GetRequiredService<IStageInvoker>();
    }

    [Fact]
    public async Task The_dapr_stage_invoker_calls_the_sidecar_invoke_route_with_the_token_and_a_reference_body()
    {
        using var root = new TempFolder();
        var artifact = new SemanticArtifact(root.File("jobs/j/semantics.safetensors"), "a red circle", 5, new SemanticGrid(2, 4, 4), 64);
        var sidecar = new CapturedHttpMessageHandler((_, _) => CapturedHttpMessageHandler.Json(JsonSerializer.Serialize(artifact, JsonSerializerOptions.Web)));
        var invoker = DaprInvoker(root, sidecar);

        invoker.Should().BeOfType<DaprStageInvoker>();
        var reply = await invoker.GenerateSemanticsAsync(new GenerationRequest("a red circle", 5, Steps: 3), artifact.Path, Ct);

        reply.Should().Be(artifact);
        var (request, body) = sidecar.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.RequestUri.Should().Be(new Uri($"http://127.0.0.1:3591/v1.0/invoke/{DaprNames.SemanticGenerationAppId}/method/{DaprNames.Methods.Semantics}"));
        request.Header("dapr-api-token").Should().Equal("sidecar-token");
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("artifactPath").GetString().Should().Be(artifact.Path);
        json.RootElement.GetProperty("request").GetProperty("prompt").GetString().Should().Be("a red circle");
        json.RootElement.GetProperty("request").GetProperty("steps").GetInt32().Should().Be(3);
        body.Length.Should().BeLessThan(4096, "only references travel, never artifacts");
    }

    [Fact]
    public async Task A_sidecar_error_becomes_a_stage_invocation_exception_naming_the_app_and_status()
    {
        using var root = new TempFolder();
        var sidecar = new CapturedHttpMessageHandler((_, _) =>
            CapturedHttpMessageHandler.Json("""{"errorCode":"ERR_DIRECT_INVOKE","message":"app latent-generation unavailable"}""", HttpStatusCode.InternalServerError));
        var invoker = DaprInvoker(root, sidecar);
        var semantics = new SemanticArtifact(root.File("s.safetensors"), "p", 0, new SemanticGrid(1, 1, 1), 4);

        var act = () => invoker.RenderAsync(semantics, new GenerationRequest("p"), root.File("v.mp4"), Ct);

        var error = (await act.Should().ThrowAsync<StageInvocationException>()).Which;
        error.StatusCode.Should().Be(500);
        error.IsTransient.Should().BeTrue();
        error.Message.Should().Contain("latent-generation/render").And.Contain("ERR_DIRECT_INVOKE");
        sidecar.Requests.Single().Request.RequestUri.AbsolutePath.Should().Be("/v1.0/invoke/latent-generation/method/render");
    }

    [Fact]
    public async Task Job_events_are_published_on_the_pubsub_component_and_topic_through_the_dapr_client()
    {
        var sidecar = new CapturedHttpMessageHandler((_, _) =>
        {
            // A gRPC OK reply carrying google.protobuf.Empty: one uncompressed, zero-length message frame, then grpc-status 0.
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = new Version(2, 0), Content = new ByteArrayContent(new byte[5]) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            response.TrailingHeaders.Add("grpc-status", "0");
            return response;
        });
        using var dapr = new DaprClientBuilder()
            .UseGrpcEndpoint("http://127.0.0.1:50991")
            .UseGrpcChannelOptions(new GrpcChannelOptions { HttpHandler = sidecar })
            .UseDaprApiToken("sidecar-token")
            .Build();
        var events = new DaprJobEvents(dapr);
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        await events.PublishAsync(new SemanticsGenerated("job1", "/shared/jobs/job1/semantics.safetensors", at), Ct);
        await events.PublishAsync(new JobFailed("job2", "boom", at), Ct);

        sidecar.Requests.Should().HaveCount(2);
        var (request, body) = sidecar.Requests[0];
        request.RequestUri.AbsolutePath.Should().Be("/dapr.proto.runtime.v1.Dapr/PublishEvent");
        request.Header("dapr-api-token").Should().Equal("sidecar-token");
        var published = PublishEventRequest.Parser.ParseFrom(body.AsSpan(5).ToArray());
        published.PubsubName.Should().Be(DaprNames.PubSub);
        published.Topic.Should().Be(DaprNames.Topics.SemanticsGenerated);
        published.DataContentType.Should().Be("application/json");
        using var data = JsonDocument.Parse(published.Data.ToStringUtf8());
        data.RootElement.GetProperty("jobId").GetString().Should().Be("job1");
        data.RootElement.GetProperty("artifactPath").GetString().Should().Be("/shared/jobs/job1/semantics.safetensors");
        var failed = PublishEventRequest.Parser.ParseFrom(sidecar.Requests[1].Body.AsSpan(5).ToArray());
        failed.Topic.Should().Be(DaprNames.Topics.JobFailed);
        JsonDocument.Parse(failed.Data.ToStringUtf8()).RootElement.GetProperty("error").GetString().Should().Be("boom");
    }
}
