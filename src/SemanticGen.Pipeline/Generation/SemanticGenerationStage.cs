using SemanticGen.Abstractions.Generation;
using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Generation;

/// <summary>Stage 1 in-process: prompt → text states → semantic generator → z_sem artifact (denormalised to the compressor's μ space).</summary>
public sealed class SemanticGenerationStage(PipelineComponents components) : ISemanticStage
{
    /// <inheritdoc />
    public Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validated();
        ArgumentException.ThrowIfNullOrWhiteSpace(artifactPath);
        return Task.Run(() =>
        {
            lock (components)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var manifest = components.Manifest;
                var steps = request.Steps ?? manifest.Sampling.Steps;
                using var scope = NewDisposeScope();
                progress?.Report(new GenerationProgress(GenerationStages.EncodeText, 0, 1));
                var (text, empty) = GenerationSampler.TextStates(components, request.Prompt);
                progress?.Report(new GenerationProgress(GenerationStages.EncodeText, 1, 1));
                var zSem = GenerationSampler.SemanticPlan(components, text, empty, request.Seed, steps,
                    request.Guidance ?? manifest.Sampling.Guidance, GenerationSampler.StepsOf(progress, GenerationStages.Semantic, steps)); // (1, N, d) μ space
                return SemanticArtifactFile.Write(artifactPath, zSem, request.Prompt, request.Seed, manifest.SemanticGrid, manifest.Name);
            }
        }, cancellationToken);
    }
}
