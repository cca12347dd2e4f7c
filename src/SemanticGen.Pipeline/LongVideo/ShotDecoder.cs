using SemanticGen.Abstractions.Generation;
using SemanticGen.Pipeline.Components;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// Streamed VAE decoding of a long video: one shot's latent frames at a time, each through the causal decoder with
/// its frame-by-frame feature cache (<see cref="Models.VideoVae.WanVae.Decode"/>), handed to a sink before the next is
/// decoded, so memory holds one shot of frames whatever the length. A shot's latents start with the one-frame latent
/// of its first frame (every clip the generators were trained on does), so each shot is its own causal sequence:
/// F latent frames → 4(F − 1) + 1 = 49 frames per Shapes World shot, S × 49 in all.
/// </summary>
public static class ShotDecoder
{
    /// <summary>
    /// Lazily: computes the normalised latents (1, z, S·F, h, w) with <paramref name="latentsOf"/> when the first shot is
    /// asked for, decodes the <paramref name="shots"/> shots one at a time, reporting each, and disposes the latents after
    /// the last (or when the caller stops early). The caller owns each yielded (49, H, W, 3) tensor.
    /// </summary>
    public static IEnumerable<Tensor> StreamShots(PipelineComponents components, Func<Tensor> latentsOf, int shots, IProgress<GenerationProgress>? progress)
    {
        using (var latents = latentsOf())
        {
            for (var s = 0; s < shots; s++)
            {
                Tensor frames;
                lock (components)
                    frames = DecodeShot(components, latents, s);                                 // (49, H, W, 3)
                progress?.Report(new GenerationProgress(GenerationStages.Decode, s + 1, shots));
                yield return frames;                                                           // the caller streams and frees it
            }
        }
    }

    /// <summary>uint8 frames (4(F − 1) + 1, H, W, 3) of shot <paramref name="shot"/> of normalised latents (1, z, S·F, h, w).</summary>
    public static Tensor DecodeShot(PipelineComponents components, Tensor latents, int shot)
    {
        ArgumentNullException.ThrowIfNull(components);
        var frames = components.Manifest.Video.LatentFrames;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var own = latents.narrow(2, (long)shot * frames, frames);                              // (1, z, F, h, w)
        var video = components.Vae.Decode(components.Vae.Denormalize(own));                    // (1, 3, 49, H, W)
        return PipelineTensors.ToFrames(video)[0].MoveToOuterDisposeScope();                   // (49, H, W, 3)
    }
}
