using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Http;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Captioning;

/// <summary>DI wiring of the captioning service: the captioner that <c>Captioning:Type</c> names and the shared artifact root.</summary>
public static class CaptioningService
{
    /// <summary>Builds the app; <paramref name="configure"/> may replace registrations (tests).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSemanticGenServiceDefaults();
        builder.Services.AddSemanticGenArtifacts(builder.Configuration);
        configure?.Invoke(builder);
        builder.Services.AddSemanticGenCaptioner(builder.Configuration);
        var app = builder.Build();
        StageRegistration.Require<ICaptioner>(app.Services, "the captioning service");
        app.UseSemanticGenServiceDefaults();
        app.MapCaptioningEndpoints();
        return app;
    }
}
