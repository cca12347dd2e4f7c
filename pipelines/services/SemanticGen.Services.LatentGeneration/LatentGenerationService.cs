using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Composition;

namespace SemanticGen.Services.LatentGeneration;

/// <summary>DI wiring of the latent-generation service: <see cref="ILatentStage"/> from the stage registration hook.</summary>
public static class LatentGenerationService
{
    /// <summary>
    /// Builds the app. <paramref name="registerStages"/> adds the pipeline's stages (the real pipeline's <c>AddX()</c>);
    /// <c>Stages:Module</c> in configuration is loaded too. No <see cref="ILatentStage"/> at all is a start-up error.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration>? registerStages = null,
        Action<WebApplicationBuilder>? configure = null) =>
        StageServiceHost.Build<ILatentStage>(args, "the latent-generation service", app => app.MapLatentGenerationEndpoints(), registerStages, configure);
}
