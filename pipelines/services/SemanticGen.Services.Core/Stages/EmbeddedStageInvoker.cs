using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;

namespace SemanticGen.Services.Core.Stages;

/// <summary>
/// Runs the stages in this process: <see cref="ISemanticStage"/>, <see cref="ILatentStage"/> and <see cref="ICaptioner"/>
/// from DI, resolved when first needed so a host without a captioner still runs prompt jobs.
/// </summary>
public sealed class EmbeddedStageInvoker(IServiceProvider services) : IStageInvoker
{
    /// <inheritdoc />
    public Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default) =>
        Required<ICaptioner>().CaptionAsync(videoPath, cancellationToken);

    /// <inheritdoc />
    public Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath, CancellationToken cancellationToken = default) =>
        Required<ISemanticStage>().GenerateSemanticsAsync(request, artifactPath, null, cancellationToken);

    /// <inheritdoc />
    public Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath, CancellationToken cancellationToken = default) =>
        Required<ILatentStage>().RenderAsync(semantics, request, outputPath, null, cancellationToken);

    private T Required<T>() where T : notnull =>
        services.GetService<T>() ?? throw new InvalidOperationException(
            $"no {typeof(T).Name} is registered in this process (Orchestration:Mode = Embedded runs the stages in-process; " +
            "register the pipeline's stages, see pipelines/services/README.md).");
}
