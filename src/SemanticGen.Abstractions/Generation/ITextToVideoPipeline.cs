namespace SemanticGen.Abstractions.Generation;

/// <summary>
/// Text → video, the whole method in one call: text encoding → stage 1 (semantic generator) → noise on z_sem →
/// stage 2 (VAE-latent generator) → VAE decode → mp4 + contact sheet. Embedded in one process by default; a
/// deployment may run the two stages in different services (see <see cref="ISemanticStage"/>, <see cref="ILatentStage"/>).
/// </summary>
public interface ITextToVideoPipeline
{
    /// <summary>Generates <paramref name="request"/> into the mp4 <paramref name="outputPath"/> (written atomically).</summary>
    /// <exception cref="ArgumentException">The request is invalid (the message names the field).</exception>
    Task<GeneratedVideo> GenerateAsync(GenerationRequest request, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);
}
