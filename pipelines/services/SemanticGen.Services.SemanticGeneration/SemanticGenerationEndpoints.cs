using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Http;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.SemanticGeneration;

/// <summary>The semantic-generation service's endpoint.</summary>
public static class SemanticGenerationEndpoints
{
    /// <summary>POST /semantics {request, artifactPath} → the z_sem artifact (by reference); invalid request or path: 400.</summary>
    public static WebApplication MapSemanticGenerationEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost($"/{DaprNames.Methods.Semantics}", (SemanticsCall call, ArtifactRoot root, ISemanticStage stage, CancellationToken cancellationToken) =>
            StageEndpointResults.RunAsync(async () =>
            {
                var request = (call.Request ?? throw new ArgumentException("request is missing.", "request")).Validated();
                var path = root.Resolve(call.ArtifactPath, "artifactPath");
                var artifact = await stage.GenerateSemanticsAsync(request, path, null, cancellationToken);
                return Results.Ok(artifact);
            }, "request"));
        return app;
    }
}
