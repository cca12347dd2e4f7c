using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Tests;

/// <summary>
/// TEST DOUBLE at the Dapr boundary: an <see cref="IStageInvoker"/> whose first <c>failRenders</c> render calls fail the
/// way a sidecar hiccup does (<see cref="StageInvocationException"/>, HTTP 503) before reaching the stage; every other call
/// goes to the wrapped, real invoker. Counts the calls that reached the real stages.
/// </summary>
public sealed class SidecarHiccupStageInvokerTestDouble(IStageInvoker inner, int failRenders) : IStageInvoker
{
    private int _failuresLeft = failRenders;

    public int CaptionCalls { get; private set; }

    public int SemanticCalls { get; private set; }

    public int RenderCalls { get; private set; }

    public int FailedRenders { get; private set; }

    public Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default)
    {
        CaptionCalls++;
        return inner.CaptionAsync(videoPath, cancellationToken);
    }

    public Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath, CancellationToken cancellationToken = default)
    {
        SemanticCalls++;
        return inner.GenerateSemanticsAsync(request, artifactPath, cancellationToken);
    }

    public Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath, CancellationToken cancellationToken = default)
    {
        if (_failuresLeft > 0)
        {
            _failuresLeft--;
            FailedRenders++;
            throw new StageInvocationException(DaprNames.LatentGenerationAppId, DaprNames.Methods.Render, 503, "ERR_DIRECT_INVOKE: app unavailable");
        }

        RenderCalls++;
        return inner.RenderAsync(semantics, request, outputPath, cancellationToken);
    }
}
