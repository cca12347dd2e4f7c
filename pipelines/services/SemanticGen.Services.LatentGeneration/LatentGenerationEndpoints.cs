using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Http;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.LatentGeneration;

/// <summary>The latent-generation service's endpoint.</summary>
public static class LatentGenerationEndpoints
{
    /// <summary>POST /render {semantics, request, outputPath} → the video (by reference); paths outside the root or a missing artifact: 400.</summary>
    public static WebApplication MapLatentGenerationEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost($"/{DaprNames.Methods.Render}", (RenderCall call, ArtifactRoot root, ILatentStage stage, CancellationToken cancellationToken) =>
            StageEndpointResults.RunAsync(async () =>
            {
                var request = (call.Request ?? throw new ArgumentException("request is missing.", "request")).Validated();
                var semantics = call.Semantics ?? throw new ArgumentException("semantics is missing.", "semantics");
                var artifactPath = root.Resolve(semantics.Path, "semantics.path");
                if (!File.Exists(artifactPath))
                    throw new ArgumentException($"the z_sem artifact '{semantics.Path}' does not exist.", "semantics.path");
                var output = root.Resolve(call.OutputPath, "outputPath");
                var video = await stage.RenderAsync(semantics with { Path = artifactPath }, request, output, null, cancellationToken);
                return Results.Ok(video);
            }, "request"));
        return app;
    }
}
