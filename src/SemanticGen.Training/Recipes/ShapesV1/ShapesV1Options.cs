namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>What the shapes-v1 recipe trains; every stage's steps, batch and learning rate (AdamW, constant).</summary>
public sealed record ShapesV1Options
{
    public long Seed { get; init; }

    /// <summary>
    /// The VAE (<see cref="ShapesVaeTraining"/>): steps, clip frames (the causal VAE generalises to 49) and AdamW
    /// learning rate (batch 2). With the He initialisation (<see cref="SemanticGen.Models.VideoVae.WanVae.InitializeForTraining"/>)
    /// 5e-4 trains without the average-clip collapse that PyTorch's default initialisation ran into at every rate tried.
    /// 6,750 steps is what models/shapes-v1 used (2,500 until the eighth session: its loss was still falling, and the
    /// longer stage turned triangles from blobs into triangles; see the model card).
    /// </summary>
    public long VaeSteps { get; init; } = 6750;
    public int VaeFrames { get; init; } = 9;
    public double VaeLearningRate { get; init; } = 5e-4;

    /// <summary>
    /// Global gradient-norm limit of the VAE stage (<see cref="ShapesVaeOptions.MaxGradientNorm"/>); null (the default,
    /// what models/shapes-v1 used) clips nothing. The unclipped stage spiked twice at 5e-4 (model card). Named in the
    /// recipe identity only when set.
    /// </summary>
    public double? VaeMaxGradientNorm { get; init; }

    /// <summary>
    /// Weight of object pixels in the VAE stage's reconstruction MSE (<see cref="ShapesVaeOptions.ForegroundWeight"/>);
    /// 1 (the default, what models/shapes-v1 used) is plain MSE. Named in the recipe identity only when not 1.
    /// </summary>
    public double VaeForegroundWeight { get; init; } = 1;

    /// <summary>
    /// The last stage: the VAE decoder refined with the encoder frozen (<see cref="VaeDecoderRefinement"/>, whole
    /// 49-frame clips, cosine from <see cref="DecoderLearningRate"/> to 0); latents and generators are unaffected.
    /// </summary>
    public long DecoderSteps { get; init; } = 600;
    public double DecoderLearningRate { get; init; } = 2e-4;

    /// <summary>
    /// The decoder stage's weight on object pixels (<see cref="VaeDecoderRefinementOptions.ForegroundWeight"/>; 1 = plain
    /// MSE). 10 is what models/shapes-v1 used (chosen on the train split against plain MSE, see its model card). Left out
    /// of the recipe identity at 1, so folders trained before the option existed resume with
    /// <c>--decoder-foreground-weight 1</c>.
    /// </summary>
    public double DecoderForegroundWeight { get; init; } = 10;

    /// <summary>
    /// The decoder stage's fraction of off-palette object colours (<see cref="VaeDecoderRefinementOptions.RecolourFraction"/>;
    /// 0 = palette colours only). 0.5 is what models/shapes-v1 used. Left out of the recipe identity at 0, like
    /// <see cref="DecoderForegroundWeight"/> at 1.
    /// </summary>
    public double DecoderRecolourFraction { get; init; } = 0.5;

    /// <summary>
    /// The decoder stage's reconstruction error (<see cref="VaeDecoderRefinementOptions.Loss"/>). Left out of the recipe
    /// identity at MSE, the loss folders trained before the option existed used.
    /// </summary>
    public DecoderReconstructionLoss DecoderLoss { get; init; } = DecoderReconstructionLoss.Mse;

    /// <summary>The semantic encoder's masked-autoencoding pretraining (tube masking of <see cref="MaskRatio"/> of the patches).</summary>
    public long EncoderSteps { get; init; } = 600;
    public int EncoderBatch { get; init; } = 8;
    public double EncoderLearningRate { get; init; } = 1e-3;
    public double MaskRatio { get; init; } = 0.75;

    /// <summary>Training clips whose latents and features are precomputed once (clips 0…N−1 of the train split).</summary>
    public int CachedClips { get; init; } = 2048;

    /// <summary>Stage 2 (compressor + latent generator, trained together).</summary>
    public long LatentSteps { get; init; } = 6000;
    public int LatentBatch { get; init; } = 8;
    public double LatentLearningRate { get; init; } = 5e-4;

    /// <summary>
    /// Stage 2 continued after stage 1 with the compressor frozen (<see cref="ShapesV1Stages.LatentRefineStep"/>): the
    /// latent generator trains on, while z_sem, and so stage 1's training targets, stay what stage 1 was trained on. The
    /// paper trains the compressor with stage 2 and stage 1 after it; continuing the joint stage instead would change
    /// z_sem and force stage 1 to be retrained. Same batch and learning rate as stage 2; 0 skips the stage. 6,000 is what
    /// models/shapes-v1 used (hold-out colour 88 → 93 %, see its model card).
    /// </summary>
    public long LatentRefineSteps { get; init; } = 6000;

    /// <summary>Weight of the compressor's KL term in the stage-2 loss (the paper's is unstated).</summary>
    public double KlWeight { get; init; } = 1e-3;

    /// <summary>Stage 1 (semantic generator).</summary>
    public long SemanticSteps { get; init; } = 24000;
    public int SemanticBatch { get; init; } = 16;
    public double SemanticLearningRate { get; init; } = 5e-4;

    /// <summary>Probability that a training sample's caption is replaced by "" (for classifier-free guidance).</summary>
    public double TextDropout { get; init; } = 0.1;

    /// <summary>EMA decay of every stage (the exported weights are the EMA).</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>A checkpoint every this many steps in every stage.</summary>
    public long CheckpointEvery { get; init; } = 250;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public ShapesV1Options Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(VaeSteps >= 1 && EncoderSteps >= 1 && LatentSteps >= 1 && SemanticSteps >= 1 && DecoderSteps >= 1, "every stage needs at least one step");
        Require(LatentRefineSteps >= 0, $"--latent-refine-steps must be non-negative, found {LatentRefineSteps}");
        Require(VaeFrames >= 1 && VaeFrames % 4 == 1 && VaeFrames <= 49, $"--vae-frames must be 4n + 1 up to 49, found {VaeFrames}");
        Require(EncoderBatch is >= 1 and <= 256 && LatentBatch is >= 1 and <= 256 && SemanticBatch is >= 1 and <= 256, "batch sizes must be within 1–256");
        Require(CachedClips >= Math.Max(LatentBatch, SemanticBatch), $"--clips ({CachedClips}) must be at least the largest batch");
        Require(MaskRatio is > 0 and < 1, $"--mask-ratio must lie in (0, 1), found {MaskRatio}");
        Require(KlWeight >= 0 && double.IsFinite(KlWeight), $"--kl-weight must be non-negative, found {KlWeight}");
        Require(TextDropout is >= 0 and < 1, $"--text-dropout must lie in [0, 1), found {TextDropout}");
        Require(EmaDecay is >= 0 and <= 1, $"--ema must lie in [0, 1], found {EmaDecay}");
        Require(CheckpointEvery >= 1, "--checkpoint-every must be at least 1");
        Require(DecoderForegroundWeight >= 1 && double.IsFinite(DecoderForegroundWeight),
            $"--decoder-foreground-weight must be at least 1, found {DecoderForegroundWeight}");
        Require(DecoderRecolourFraction is >= 0 and <= 1,
            $"--decoder-recolour must be within [0, 1], found {DecoderRecolourFraction}");
        Require(VaeMaxGradientNorm is null || (VaeMaxGradientNorm > 0 && double.IsFinite(VaeMaxGradientNorm.Value)),
            $"--vae-max-grad-norm must be positive, found {VaeMaxGradientNorm}");
        Require(VaeForegroundWeight >= 1 && double.IsFinite(VaeForegroundWeight), $"--vae-foreground-weight must be at least 1, found {VaeForegroundWeight}");
        Require(Enum.IsDefined(DecoderLoss), $"--decoder-loss must be mse or l1, found {DecoderLoss}");
        foreach (var lr in new[] { VaeLearningRate, EncoderLearningRate, LatentLearningRate, SemanticLearningRate, DecoderLearningRate })
            Require(lr > 0 && double.IsFinite(lr), $"learning rates must be positive, found {lr}");
        return this;
    }
}
