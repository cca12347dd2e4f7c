using SemanticGen.Data.ShapesWorld;
using SemanticGen.Diffusion;
using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Models.DiT;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>The loss of each trained stage of shapes-v1, as functions of (batch position, generator).</summary>
public static class ShapesV1Stages
{
    private static readonly Scalar TimestepScale = ((double)FlowMatchSchedule.TrainTimesteps).ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>
    /// Semantic-encoder pretraining (VideoMAE masked autoencoding): batch k = train-split clips k·B … k·B + B − 1 of
    /// <paramref name="seed"/>, the pipeline's sampled frames, a tube mask seeded by (seed, k).
    /// </summary>
    public static TrainingStep EncoderStep(VideoMAEPretraining model, PipelineManifest manifest, long seed, int batch, double maskRatio)
    {
        var source = new ShapesClipSource(seed, ShapesSplitKind.Train);
        var grid = manifest.SemanticGrid;
        var scale = (2.0 / 255.0).ToScalar();
        return (position, _) =>
        {
            using var scope = NewDisposeScope();
            var clips = Enumerable.Range(0, batch).Select(i => source.Render(source.ClipAt(position * batch + i)).permute(3, 0, 1, 2)).ToList();
            var video = stack(clips).to(ScalarType.Float32).mul(scale).sub(One);                      // (B, 3, F, H, W)
            var pixels = PipelineTensors.SemanticEncoderInput(video, manifest.SemanticSampling.FrameIndices((int)video.shape[2])); // (B, n, 3, H, W)
            using var mask = TubeMasking.Create(grid, batch, maskRatio, unchecked((int)(seed * 7919 + position)));
            var targets = MaskedAutoencodingLoss.Targets(pixels, model.Config, mask);
            var predictions = model.forward(pixels, mask);
            return MaskedAutoencodingLoss.Compute(predictions, targets).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// Stage 2 (compressor + latent generator together): rectified flow on the clip's normalised latents, conditioned
    /// on its text (dropped to "" with probability <paramref name="textDropout"/>) and on z_sem = compressor sample of its
    /// features plus RAE noise σ ~ 0.8·U(0, 1); loss = velocity MSE + <paramref name="klWeight"/> · KL.
    /// </summary>
    public static TrainingStep LatentStep(PipelineComponents components, ShapesTrainingData data, long seed, int batch, double textDropout, double klWeight) =>
        LatentLoss(components, data, seed, batch, textDropout, klWeight);

    /// <summary>
    /// Stage 2 continued with the compressor frozen: as <see cref="LatentStep"/> (the same draws in the same order), but
    /// z_sem is sampled from the compressor (μ + σ·ε, so it must be in training mode) without gradients, and the loss is
    /// the velocity MSE alone (the KL term only trains the compressor).
    /// </summary>
    public static TrainingStep LatentRefineStep(PipelineComponents components, ShapesTrainingData data, long seed, int batch, double textDropout) =>
        LatentLoss(components, data, seed, batch, textDropout, klWeight: null);

    /// <summary>Stage 2's loss; <paramref name="klWeight"/> null = the compressor frozen (no gradients, no KL term).</summary>
    private static TrainingStep LatentLoss(PipelineComponents components, ShapesTrainingData data, long seed, int batch, double textDropout, double? klWeight)
    {
        var grid = components.Manifest.SemanticGrid;
        var semanticGrid = new WanTokenGrid(grid.T, grid.H, grid.W);
        var kl = klWeight?.ToScalar();
        return (position, rng) =>
        {
            using var scope = NewDisposeScope();
            var indices = data.Indices(seed, position, batch);
            var rows = tensor(indices);
            var x0 = data.Latents.index_select(0, rows);                                            // (B, z, T, h, w)
            var features = data.Features.index_select(0, rows);                                     // (B, Ns, E)
            var text = data.Text(indices, textDropout, rng);                                        // (B, L, D)
            Models.Generators.CompressedSemantics compressed;
            using (kl is null ? no_grad() : null)
                compressed = components.Compressor.Compress(features, rng);                         // (B, Ns, d)
            var zSem = SemanticNoise.Add(compressed.Sample, SemanticNoise.TrainingSigma(rng, batch), rng);
            var noise = randn(x0.shape, generator: rng);
            var t = TimestepSampling.LogitNormal(rng, batch);                                       // (B)
            var flow = Models.Generators.LatentGeneratorLoss.Compute(components.LatentGenerator, x0, noise, t, text, zSem, semanticGrid);
            return (kl is null ? flow : flow.add(compressed.Kl().mul(kl), One)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// Stage 1: rectified flow on normalised z_sem targets <paramref name="targets"/> (N, Ns, d) (the trained
    /// compressor's μ), conditioned on text (dropped with probability <paramref name="textDropout"/>).
    /// </summary>
    public static TrainingStep SemanticStep(PipelineComponents components, ShapesTrainingData data, Tensor targets, long seed, int batch, double textDropout)
    {
        var grid = components.Manifest.SemanticGrid;
        return (position, rng) =>
        {
            using var scope = NewDisposeScope();
            var indices = data.Indices(seed, position, batch);
            var x0 = targets.index_select(0, tensor(indices));                                      // (B, Ns, d)
            var text = data.Text(indices, textDropout, rng);
            var noise = randn(x0.shape, generator: rng);
            var t = TimestepSampling.LogitNormal(rng, batch);
            var xt = RectifiedFlow.Interpolate(x0, noise, t);
            var velocity = components.SemanticGenerator.forward(xt, grid, t.mul(TimestepScale), text);
            return RectifiedFlow.Loss(velocity, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>Per-channel mean and std (d) of the compressor's μ over all features, and μ normalised by them (N, Ns, d).</summary>
    public static (double[] Mean, double[] Std, Tensor Normalised) SemanticTargets(PipelineComponents components, Tensor features)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        components.Compressor.eval();
        var mu = components.Compressor.Compress(features).Mean;                                    // (N, Ns, d)
        var flat = mu.reshape(-1, mu.shape[2]);
        var mean = flat.mean([0]);
        var std = flat.std(0).clamp_min(1e-6);
        var normalised = mu.sub(mean).div(std);
        return (mean.data<float>().Select(v => (double)v).ToArray(), std.data<float>().Select(v => (double)v).ToArray(), normalised.MoveToOuterDisposeScope());
    }
}
