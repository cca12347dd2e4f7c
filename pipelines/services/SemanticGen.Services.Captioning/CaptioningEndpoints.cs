using SemanticGen.Services.Core;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Http;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Captioning;

/// <summary>The captioning service's endpoint.</summary>
public static class CaptioningEndpoints
{
    /// <summary>POST /caption {videoPath} → {caption}; a path outside the artifact root or a missing file is 400.</summary>
    public static WebApplication MapCaptioningEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost($"/{DaprNames.Methods.Caption}", (CaptionCall call, ArtifactRoot root, ICaptioner captioner, CancellationToken cancellationToken) =>
            StageEndpointResults.RunAsync(async () =>
            {
                var path = root.Resolve(call.VideoPath, "videoPath");
                if (!File.Exists(path))
                    throw new ArgumentException($"videoPath '{call.VideoPath}' does not exist.", "videoPath");
                var caption = await captioner.CaptionAsync(path, cancellationToken);
                return Results.Ok(new CaptionReply(caption));
            }, "videoPath"));
        return app;
    }
}
