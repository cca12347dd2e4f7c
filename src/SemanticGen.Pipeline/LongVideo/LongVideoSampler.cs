using SemanticGen.Abstractions.Generation;
using SemanticGen.Diffusion;
using SemanticGen.Models.DiT;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// The two samplers of a long video (docs/method.md §5, docs/long-video.md), as <see cref="GenerationSampler"/> over S
/// shots at once. Shot s draws its noise exactly as a single clip of seed <c>seed + s</c> would (stage 1 from
/// <c>Generator(seed + s)</c>, stage 2 from <c>Generator(LatentSeed(seed + s))</c>), so the long pipeline and
/// <see cref="IndependentShotsPipeline"/> start from the same noise and differ only in what the shots attend to.
/// </summary>
public static class LongVideoSampler
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();

    /// <summary>Seed of shot <paramref name="shot"/> of a video of seed <paramref name="seed"/>.</summary>
    public static long ShotSeed(long seed, int shot) => unchecked(seed + shot);

    /// <summary>Text states of each shot concatenated along the text axis (1, S·L, D), and the empty prompt's S times.</summary>
    public static (Tensor Text, Tensor Empty) EncodeShots(PipelineComponents components, IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        var text = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, prompts);   // (S, L, D)
        var empty = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);      // (1, L, D)
        var joined = text.reshape(1, -1, text.shape[2]);                                                 // (1, S·L, D)
        return (joined.MoveToOuterDisposeScope(), empty.repeat(1, prompts.Count, 1).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Stage 1 over all shots with full self-attention: the semantic grid (S·Ts, Hs, Ws) — shot s at RoPE times
    /// s·Ts … s·Ts + Ts − 1 — each token's cross-attention restricted to its shot's text. Normalised z_sem (1, S·N, d).
    /// Runs <see cref="PipelineComponents.LongVideoSemanticGenerator"/> (story-trained when the folder has it).
    /// </summary>
    public static Tensor SampleSemantics(PipelineComponents components, Tensor text, Tensor emptyText, int shots, long seed, int steps, double guidance,
        IProgress<int>? progress)
    {
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var generator = components.LongVideoSemanticGenerator;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var noise = cat(SemanticNoises(components, shots, seed), dim: 1);                      // (1, S·N, d)
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.SemanticShift, steps).Sigmas;
        var z = FlowSampler.Sample((x, t, conditional) => SemanticVelocity(generator, x, grid, shots, t.mul(TimestepScale), conditional ? text : emptyText),
            noise, sigmas, guidance, progress);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>Each shot's stage-1 starting noise (1, N, d), shot s drawn from <c>Generator(seed + s)</c> as a single clip draws it.</summary>
    public static Tensor[] SemanticNoises(PipelineComponents components, int shots, long seed)
    {
        var manifest = components.Manifest;
        return [.. Enumerable.Range(0, shots).Select(s =>
        {
            using var shotGenerator = new Generator((ulong)ShotSeed(seed, s));
            return randn([1, manifest.SemanticGrid.Count, manifest.Compressor.TokenDim], generator: shotGenerator); // (1, N, d)
        })];
    }

    /// <summary>
    /// Each shot's stage-2 inputs as a single clip draws them from <c>Generator(LatentSeed(seed + s))</c>: its z_sem
    /// (1, N, d, μ space, from <paramref name="zSem"/> (1, S·N, d)) with σ = <see cref="SamplingDefaults.SemanticNoise"/>
    /// noise, then its starting noise (1, z, F, h, w).
    /// </summary>
    public static (Tensor[] Semantics, Tensor[] Noises) LatentInputs(PipelineComponents components, Tensor zSem, int shots, long seed)
    {
        var manifest = components.Manifest;
        var (grid, video) = (manifest.SemanticGrid, manifest.Video);
        var (semantics, noises) = (new Tensor[shots], new Tensor[shots]);
        for (var s = 0; s < shots; s++)
        {
            using var generator = new Generator((ulong)GenerationSampler.LatentSeed(ShotSeed(seed, s)));
            semantics[s] = SemanticNoise.Add(zSem.narrow(1, s * grid.Count, grid.Count), manifest.Sampling.SemanticNoise, generator); // (1, N, d)
            noises[s] = randn([1, manifest.Vae.ZDim, video.LatentFrames, video.Height / 8, video.Width / 8], generator: generator);  // (1, z, F, h, w)
        }
        return (semantics, noises);
    }

    /// <summary>
    /// Stage 1's velocity over S shots at once (sampling and story training share it): <paramref name="x"/> (B, S·N, d)
    /// in shot-major (t, h, w) token order, <paramref name="timestep"/> (B) or (1) in Wan's [0, 1000] scale,
    /// <paramref name="text"/> (B, S·L, D) the shots' text states concatenated along the text axis. Full self-attention
    /// over all S·N tokens; shot s's tokens cross-attend only to its own L text tokens. Returns (B, S·N, d).
    /// The first <paramref name="cleanShots"/> shots are clean context (<see cref="CleanContext"/>): their tokens are
    /// modulated at t = 0, the others at <paramref name="timestep"/>.
    /// </summary>
    public static Tensor SemanticVelocity(Models.Generators.SemanticGenerator generator, Tensor x, SemanticGen.Abstractions.Encoders.SemanticGrid grid,
        int shots, Tensor timestep, Tensor text, int cleanShots = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        if (cleanShots < 0 || cleanShots > shots)
            throw new ArgumentOutOfRangeException(nameof(cleanShots), cleanShots, $"clean shots must lie in 0…{shots}.");
        if (x.shape[1] != shots * grid.Count || text.shape[1] % shots != 0)
            throw new ArgumentException($"{shots} shots need {shots * grid.Count} semantic tokens and text divisible into {shots} prompts; found {x.shape[1]} tokens, {text.shape[1]} text tokens.");
        var transformer = generator.Transformer;
        var (batch, tokenDim) = (x.shape[0], x.shape[2]);
        var segments = CrossAttentionSegments.Uniform(shots, grid.Count, text.shape[1] / shots);
        using var scope = NewDisposeScope();
        var latents = x.transpose(1, 2).reshape(batch, tokenDim, shots * grid.T, grid.H, grid.W); // (B, d, S·Ts, Hs, Ws)
        var (tokens, tokenGrid) = transformer.Patchify(latents);                               // (B, S·N, D)
        var (cos, sin) = transformer.Rope.ForGrid(tokenGrid.Frames, tokenGrid.Height, tokenGrid.Width, tokens.device); // (S·N, d/2)
        var conditionTimestep = cleanShots == 0
            ? timestep                                                                          // (B,)
            : CleanContext.PerTokenTimesteps(timestep, batch, cleanShots * grid.Count, tokens.shape[1]); // (B, S·N)
        var (temb, modulation, textTokens) = transformer.Condition(conditionTimestep, text);   // (B, D) or (B, S·N, D); (B, S·L, D)
        tokens = transformer.Blocks(tokens, textTokens, modulation, cos, sin, null, segments); // (B, S·N, D) full self-attention
        var velocity = transformer.Unpatchify(transformer.Head(tokens, temb), tokenGrid);       // (B, d, S·Ts, Hs, Ws)
        return velocity.flatten(2).transpose(1, 2).contiguous().MoveToOuterDisposeScope();      // (B, S·N, d)
    }

    /// <summary>
    /// Stage 2 over S·F latent frames with shifted windows of one shot (T_w = F): z_sem (1, S·N, d, μ space) gets
    /// σ = <see cref="SamplingDefaults.SemanticNoise"/> per shot, then the Euler walk over
    /// <see cref="PipelineComponents.LongVideoLatentGenerator"/>. Normalised latents (1, z, S·F, h, w).
    /// </summary>
    public static Tensor SampleLatents(PipelineComponents components, Tensor zSem, Tensor text, Tensor emptyText, int shots, long seed, int steps,
        double guidance, IProgress<int>? progress)
    {
        var manifest = components.Manifest;
        var grid = manifest.SemanticGrid;
        var video = manifest.Video;
        var patchFrames = manifest.LatentGenerator.Transformer.PatchSize[0];
        var view = new WindowedLatentView(components.LongVideoLatentGenerator, video.LatentFrames / patchFrames);
        var semanticGrid = new WanTokenGrid(shots * grid.T, grid.H, grid.W);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (semantics, noises) = LatentInputs(components, zSem, shots, seed);
        var noisySemantics = cat(semantics, dim: 1);                                           // (1, S·N, d)
        var noise = cat(noises, dim: 2);                                                       // (1, z, S·F, h, w)
        var sigmas = FlowMatchSchedule.Sigmas(manifest.Sampling.LatentShift, steps).Sigmas;
        var latents = FlowSampler.Sample(
            (x, t, conditional) => view.forward(x, t.mul(TimestepScale), conditional ? text : emptyText, noisySemantics, semanticGrid, shots),
            noise, sigmas, guidance, progress);
        return latents.MoveToOuterDisposeScope();
    }
}
