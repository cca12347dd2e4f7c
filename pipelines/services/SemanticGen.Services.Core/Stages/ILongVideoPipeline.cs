using SemanticGen.Abstractions.Generation;

namespace SemanticGen.Services.Core.Stages;

/// <summary>
/// Story outline → long video (issue 6). No implementation exists in this build: a long-video job fails with a clear
/// error unless one is registered.
/// </summary>
public interface ILongVideoPipeline
{
    /// <summary>Generates the video of <paramref name="outline"/> into <paramref name="outputPath"/> (atomically).</summary>
    Task<GeneratedVideo> GenerateAsync(string outline, long seed, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);
}
