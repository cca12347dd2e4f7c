using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Http;

namespace SemanticGen.Services.LatentGeneration;

/// <summary>DI wiring of the latent-generation service: <see cref="ILatentStage"/> from the stage registration hook.</summary>
public static class LatentGenerationService
{
    /// <summary>
    /// Builds the app. <paramref name="registerStages"/> adds the pipeline's stages (the real pipeline's <c>AddX()</c>);
    /// <c>Stages:Module</c> in configuration is loaded too. No <see cref="ILatentStage"/> at all is a start-up error.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration>? registerStages = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSemanticGenServiceDefaults();
        builder.Services.AddSemanticGenArtifacts(builder.Configuration);
        builder.Services.AddStages(builder.Configuration, registerStages);
        configure?.Invoke(builder);
        var app = builder.Build();
        StageRegistration.Require<ILatentStage>(app.Services, "the latent-generation service");
        app.UseSemanticGenServiceDefaults();
        app.MapLatentGenerationEndpoints();
        return app;
    }
}
