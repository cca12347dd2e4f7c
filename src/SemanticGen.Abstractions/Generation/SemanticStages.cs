using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Abstractions.Generation;

/// <summary>
/// A z_sem artifact: stage 1's output, stored as a safetensors file (tensor <c>z_sem</c>, float32 (1, T·H·W, d), and
/// the request in the file's metadata) so it travels between services by reference, never in a request body.
/// </summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Prompt">The prompt it was generated from.</param>
/// <param name="Seed">The seed of the request.</param>
/// <param name="Grid">The semantic token grid.</param>
/// <param name="TokenDim">Channels d of one z_sem token.</param>
public sealed record SemanticArtifact(string Path, string Prompt, long Seed, SemanticGrid Grid, int TokenDim);

/// <summary>Stage 1 on its own: text → z_sem artifact.</summary>
public interface ISemanticStage
{
    /// <summary>Generates the semantic plan of <paramref name="request"/> into <paramref name="artifactPath"/> (atomically).</summary>
    Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>Stage 2 and decoding on their own: z_sem artifact + text → mp4 (+ contact sheet).</summary>
public interface ILatentStage
{
    /// <summary>
    /// Renders the video of <paramref name="semantics"/> (its prompt and seed; steps/guidance from
    /// <paramref name="request"/>) into <paramref name="outputPath"/> (atomically).
    /// </summary>
    /// <exception cref="ArgumentException">The artifact is missing, unreadable or of another model's shape (the message names the file).</exception>
    Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);
}
