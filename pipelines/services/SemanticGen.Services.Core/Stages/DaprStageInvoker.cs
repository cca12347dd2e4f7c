using System.Net.Http.Json;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Stages;

/// <summary>
/// Calls the stage services through Dapr service invocation over HTTP: the client's handler chain contains the SDK's
/// <see cref="Dapr.Client.InvocationHandler"/>, which turns <c>http://{app-id}/{method}</c> into the sidecar's
/// <c>/v1.0/invoke/{app-id}/method/{method}</c> (and adds the Dapr API token). Only references travel: paths under
/// the shared artifact root.
/// </summary>
public sealed class DaprStageInvoker(HttpClient client) : IStageInvoker
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client this invoker uses.</summary>
    public const string HttpClientName = "dapr-stage-invoker";

    /// <inheritdoc />
    public async Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default) =>
        (await PostAsync<CaptionCall, CaptionReply>(DaprNames.CaptioningAppId, DaprNames.Methods.Caption, new CaptionCall(videoPath), cancellationToken)
            .ConfigureAwait(false)).Caption;

    /// <inheritdoc />
    public Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath, CancellationToken cancellationToken = default) =>
        PostAsync<SemanticsCall, SemanticArtifact>(DaprNames.SemanticGenerationAppId, DaprNames.Methods.Semantics,
            new SemanticsCall(request, artifactPath), cancellationToken);

    /// <inheritdoc />
    public Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath, CancellationToken cancellationToken = default) =>
        PostAsync<RenderCall, GeneratedVideo>(DaprNames.LatentGenerationAppId, DaprNames.Methods.Render,
            new RenderCall(semantics, request, outputPath), cancellationToken);

    private async Task<TReply> PostAsync<TCall, TReply>(string appId, string method, TCall call, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(new Uri($"http://{appId}/{method}"), call, JobJson.Options, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new StageInvocationException(appId, method, (int)response.StatusCode, body);
        }

        return await response.Content.ReadFromJsonAsync<TReply>(JobJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new StageInvocationException(appId, method, (int)response.StatusCode, "empty reply");
    }
}
