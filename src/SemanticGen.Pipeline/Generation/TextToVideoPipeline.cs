using System.Diagnostics;
using SemanticGen.Abstractions.Generation;

namespace SemanticGen.Pipeline.Generation;

/// <summary>
/// The whole method in one call, composed from the two stages (DI gives the in-process ones by default):
/// 1 encode text → 2 semantic generation → (z_sem artifact next to the output, removed afterwards) →
/// 3 latent generation → 4 VAE decode → 5 write mp4 + contact sheet.
/// </summary>
public sealed class TextToVideoPipeline(ISemanticStage semanticStage, ILatentStage latentStage) : ITextToVideoPipeline
{
    /// <inheritdoc />
    public async Task<GeneratedVideo> GenerateAsync(GenerationRequest request, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validated();
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var clock = Stopwatch.StartNew();
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        Directory.CreateDirectory(folder);
        var artifactPath = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(outputPath)}.{Guid.NewGuid():N}.zsem.safetensors");
        try
        {
            var semantics = await semanticStage.GenerateSemanticsAsync(request, artifactPath, progress, cancellationToken).ConfigureAwait(false);
            var video = await latentStage.RenderAsync(semantics, request, outputPath, progress, cancellationToken).ConfigureAwait(false);
            return video with { Elapsed = clock.Elapsed };
        }
        finally
        {
            File.Delete(artifactPath);
        }
    }
}
