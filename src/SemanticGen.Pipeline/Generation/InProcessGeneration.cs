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
            using var noGrad = no_grad();
            var text = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [prompt]);
            var empty = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);
            var normalised = GenerationSampler.SampleSemantics(components, text, empty, seed, steps, guidance, null);
            var (mean, std) = PipelineTensors.SemanticStatistics(components.Manifest);
            var zSem = normalised.mul(std).add(mean);
            var latents = GenerationSampler.SampleLatents(components, zSem, text, empty, seed, steps, guidance, null);
            var video = components.Vae.Decode(components.Vae.Denormalize(latents));
            return PipelineTensors.ToFrames(video)[0].MoveToOuterDisposeScope();
        }
    }
}
