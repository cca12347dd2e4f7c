using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;

namespace SemanticGen.Pipeline;

/// <summary>DI registration of the in-process pipeline.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pipeline folder <paramref name="folder"/> (loaded once, lazily, on first use) with
    /// <see cref="ISemanticStage"/>, <see cref="ILatentStage"/> and <see cref="ITextToVideoPipeline"/> running in this
    /// process. Needs an <c>IVideoWriter</c> (<c>AddSemanticGenMedia()</c>). The folder is checked now: a missing
    /// pipeline.json fails at registration, not at the first request.
    /// </summary>
    public static IServiceCollection AddSemanticGenPipeline(this IServiceCollection services, string folder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        PipelineManifest.Read(folder);
        services.AddSingleton(_ => PipelineComponents.Load(folder));
        services.AddSingleton<ISemanticStage, SemanticGenerationStage>();
        services.AddSingleton<ILatentStage, LatentGenerationStage>();
        services.AddSingleton<ITextToVideoPipeline, TextToVideoPipeline>();
        return services;
    }
}
