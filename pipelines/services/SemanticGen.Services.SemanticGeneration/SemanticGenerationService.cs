using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Composition;

namespace SemanticGen.Services.SemanticGeneration;

/// <summary>DI wiring of the semantic-generation service: <see cref="ISemanticStage"/> from the stage registration hook.</summary>
public static class SemanticGenerationService
{
    /// <summary>
    /// Builds the app. <paramref name="registerStages"/> adds the pipeline's stages (the real pipeline's <c>AddX()</c>);
    /// <c>Stages:Module</c> in configuration is loaded too. No <see cref="ISemanticStage"/> at all is a start-up error.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration>? registerStages = null,
        Action<WebApplicationBuilder>? configure = null) =>
        StageServiceHost.Build<ISemanticStage>(args, "the semantic-generation service", app => app.MapSemanticGenerationEndpoints(), registerStages, configure);
}
