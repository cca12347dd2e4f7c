using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Media;
using SemanticGen.Weights;
using TorchSharp;

namespace SemanticGen.Services.Tests;

/// <summary>
/// TEST DOUBLE of the generator stages (the real TorchSharp pipeline is not in this build): stage 1 writes a small z_sem
/// safetensors file (zeros, the prompt and seed in its metadata); stage 2 renders the Shapes World ground-truth clip of
/// the prompt with ShapesClipSource and writes it with the real FfmpegVideoWriter. Counts its calls; an optional delay
/// per stage lets tests stop a host mid-job.
/// </summary>
public sealed class GroundTruthShapesStagesTestDouble(TimeSpan? delay = null) : ISemanticStage, ILatentStage
{
    private static readonly SemanticGrid Grid = new(2, 2, 2);
    private int _semanticCalls;
    private int _renderCalls;

    /// <summary>Stage 1 calls that ran to the end.</summary>
    public int SemanticCalls => Volatile.Read(ref _semanticCalls);

    /// <summary>Stage 2 calls that ran to the end.</summary>
    public int RenderCalls => Volatile.Read(ref _renderCalls);

    public async Task<SemanticArtifact> GenerateSemanticsAsync(GenerationRequest request, string artifactPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ShapesCaption.Parse(request.Prompt);
        await Task.Delay(delay ?? TimeSpan.Zero, cancellationToken);
        using var zSem = torch.zeros(1, Grid.Count, 4);
        SafetensorsWriter.Write(artifactPath, [("z_sem", zSem)],
            new Dictionary<string, string> { ["prompt"] = request.Prompt, ["seed"] = request.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Interlocked.Increment(ref _semanticCalls);
        return new SemanticArtifact(artifactPath, request.Prompt, request.Seed, Grid, 4);
    }

    public async Task<GeneratedVideo> RenderAsync(SemanticArtifact semantics, GenerationRequest request, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string prompt;
        using (var file = SafetensorsFile.Open(semantics.Path))
            prompt = file.Metadata["prompt"];
        var composition = ShapesCaption.Parse(prompt);
        await Task.Delay(delay ?? TimeSpan.Zero, cancellationToken);
        var source = new ShapesClipSource(semantics.Seed, [composition], new ShapesRenderOptions(Frames: 12));
        using var frames = source.Render(source.ClipAt(0));
        var info = await new FfmpegVideoWriter().WriteAsync(outputPath, frames, new VideoWriteRequest(Fps: 24), cancellationToken);
        Interlocked.Increment(ref _renderCalls);
        return new GeneratedVideo(outputPath, Path.ChangeExtension(outputPath, ".png"), (int)info.FrameCount, info.Width, info.Height,
            info.FrameRate, [], TimeSpan.Zero);
    }
}
