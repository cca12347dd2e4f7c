using SemanticGen.Abstractions.Generation;

namespace SemanticGen.Services.Core.Stages;

/// <summary>
/// Where the stages run, hidden from the job code: in this process (<see cref="EmbeddedStageInvoker"/>) or in the
/// stage services through Dapr service invocation (<see cref="DaprStageInvoker"/>). Configuration picks one
/// (<c>Orchestration:Mode</c>).
/// </summary>
public interface IStageInvoker
{
    /// <summary>Captions the video at <paramref name="videoPath"/>.</summary>
    Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default);

    /// <summary>Stage 1: the z_sem artifact of <paramref name="request"/> at <paramref name="artifactPath"/>.</summary>
    Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath, CancellationToken cancellationToken = default);

    /// <summary>Stage 2 + decode: the mp4 of <paramref name="semantics"/> at <paramref name="outputPath"/>.</summary>
    Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath, CancellationToken cancellationToken = default);
}
