using System.Diagnostics;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Generation;

/// <summary>
/// Stage 2 in-process: z_sem artifact + prompt → latent generator → VAE decode (chunked, causal) → mp4 and contact
/// sheet through <see cref="IVideoWriter"/>. Warns about prompt words the text encoder never saw in training.
/// </summary>
public sealed class LatentGenerationStage(PipelineComponents components, IVideoWriter writer) : ILatentStage
{
    /// <inheritdoc />
    public async Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        ArgumentNullException.ThrowIfNull(request);
        request.Validated();
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var clock = Stopwatch.StartNew();
        var manifest = components.Manifest;
        var frames = await Task.Run(() =>
        {
            lock (components)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var steps = request.Steps ?? manifest.Sampling.Steps;
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var zSem = SemanticArtifactFile.Read(semantics, manifest.SemanticGrid, manifest.Compressor.TokenDim);
                var (text, empty) = GenerationSampler.TextStates(components, semantics.Prompt);
                var latents = GenerationSampler.SampleLatents(components, zSem, text, empty, semantics.Seed, steps,
                    request.Guidance ?? manifest.Sampling.Guidance, GenerationSampler.StepsOf(progress, GenerationStages.Latent, steps));
                progress?.Report(new GenerationProgress(GenerationStages.Decode, 0, 1));
                var frames = GenerationSampler.DecodeFrames(components, latents);                // (F, H, W, 3) uint8
                progress?.Report(new GenerationProgress(GenerationStages.Decode, 1, 1));
                return frames.MoveToOuterDisposeScope();
            }
        }, cancellationToken).ConfigureAwait(false);

        using (frames)
        {
            progress?.Report(new GenerationProgress(GenerationStages.Write, 0, 1));
            var info = await writer.WriteAsync(outputPath, frames, new VideoWriteRequest(manifest.Video.Fps), cancellationToken).ConfigureAwait(false);
            progress?.Report(new GenerationProgress(GenerationStages.Write, 1, 1));
            var sheet = Path.ChangeExtension(outputPath, ".png");
            var warnings = UnseenWordWarnings(components, semantics.Prompt);
            return new GeneratedVideo(outputPath, File.Exists(sheet) ? sheet : null, (int)frames.shape[0], (int)frames.shape[2], (int)frames.shape[1],
                manifest.Video.Fps, warnings, clock.Elapsed);
        }
    }

    /// <summary>The warning for words whose tokens never occurred in the training captions, or none.</summary>
    public static IReadOnlyList<string> UnseenWordWarnings(PipelineComponents components, string prompt)
    {
        var unseen = components.Tokenizer.UnseenWords(prompt, components.TrainedTokenIds);
        return unseen.Count == 0
            ? []
            : [$"the text encoder never saw these words in training: {string.Join(", ", unseen.Select(w => $"'{w}'"))} — the video will likely ignore them (the pipeline '{components.Manifest.Name}' was trained on: {components.Manifest.Training.GetValueOrDefault("data", "its training captions")})."];
    }
}
