using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Generation;

/// <summary>
/// Both stages and the decoder back to back without files, for evaluation and benchmarks: prompt → uint8 frames
/// (F, H, W, 3). Gives the same frames as <see cref="SemanticGenerationStage"/> + <see cref="LatentGenerationStage"/>
/// for the same request (the artifact round trip is float32, lossless).
/// </summary>
public static class InProcessGeneration
{
    public static Tensor Frames(PipelineComponents components, string prompt, long seed, int steps, double guidance)
    {
        ArgumentNullException.ThrowIfNull(components);
        lock (components)
        {
            using var scope = NewDisposeScope();
            var (text, empty) = GenerationSampler.TextStates(components, prompt);
            var zSem = GenerationSampler.SemanticPlan(components, text, empty, seed, steps, guidance, null);
            var latents = GenerationSampler.SampleLatents(components, zSem, text, empty, seed, steps, guidance, null);
            return GenerationSampler.DecodeFrames(components, latents).MoveToOuterDisposeScope();
        }
    }
}
