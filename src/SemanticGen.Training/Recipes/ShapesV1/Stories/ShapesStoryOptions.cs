namespace SemanticGen.Training.Recipes.ShapesV1.Stories;

/// <summary>
/// What the shapes-v1-stories recipe trains: both generators of a finished shapes-v1 folder fine-tuned on multi-shot
/// Shapes World stories (issue 6), starting from the short-video weights. Stage 1 sees 2…<see cref="SemanticMaxShots"/>
/// consecutive shots with full attention; stage 2 sees <see cref="LatentShots"/> shots with the long pipeline's shifted
/// windows (one shot per window), so every window position of a long video (first, inner, shifted across a boundary,
/// last) occurs in training.
/// </summary>
public sealed record ShapesStoryOptions
{
    public long Seed { get; init; }

    /// <summary>Training stories encoded once (latents + features of every shot).</summary>
    public int Stories { get; init; } = 128;

    /// <summary>Shots per cached story; training samples are runs of consecutive shots from them.</summary>
    public int ShotsPerStory { get; init; } = 8;

    /// <summary>
    /// Stories stage 1 trains on; null = the <see cref="Stories"/> of the shared cache. More than <see cref="Stories"/>
    /// builds a features-only cache of its own (<see cref="ShapesStoryCache.SemanticFileName"/>): stage 1 needs no
    /// latents, and the VAE is most of the encoding cost (1,024 stories × 8 shots: 29 s, against 278 s for 128 stories
    /// with latents), so stage 1 can see many more stories than stage 2. 1,024 is what models/shapes-v1 used.
    /// </summary>
    public int? SemanticStories { get; init; } = 1024;

    /// <summary>
    /// Stage-1 steps. 16,000 is what models/shapes-v1 used (continued from 8,000: loss per 1,000 steps 0.110 → 0.094,
    /// and every eval-long number better, see its model card).
    /// </summary>
    public long SemanticSteps { get; init; } = 16000;
    public int SemanticBatch { get; init; } = 8;

    /// <summary>Stage-1 samples hold 2 … this many shots (cycling with the step), so attention meets long relative offsets.</summary>
    public int SemanticMaxShots { get; init; } = 8;

    public double SemanticLearningRate { get; init; } = 2e-4;

    /// <summary>
    /// Share of stage-1 samples whose first 1…K−1 shots (drawn uniformly) are clean context (their z_sem as it is,
    /// modulated at t = 0, no loss on them), so the generator learns to continue finished shots
    /// (<see cref="Pipeline.LongVideo.SemanticRollout"/> with clean context). 0, the default, is what folders trained
    /// before the option used.
    /// </summary>
    public double SemanticCleanContext { get; init; }

    /// <summary>
    /// The weights story stage 1 starts from; null = the folder's short semantic generator. A folder's own
    /// <c>story_semantic_generator.safetensors</c> continues its story stage 1 (with a re-run of that stage). Not part of
    /// the recorded identity: the stage's checkpoint hash covers the file's content.
    /// </summary>
    public string? SemanticInitFrom { get; init; }

    /// <summary>
    /// The weights story stage 2 starts from; null = the folder's short latent generator. A folder's own
    /// <c>story_latent_generator.safetensors</c> continues its story stage 2 (with a re-run of that stage). Not part of
    /// the recorded identity, like <see cref="SemanticInitFrom"/>.
    /// </summary>
    public string? LatentInitFrom { get; init; }

    public long LatentSteps { get; init; } = 3000;
    public int LatentBatch { get; init; } = 2;

    /// <summary>Shots per stage-2 sample (windowed attention; at least 2 so a shifted window straddles a boundary).</summary>
    public int LatentShots { get; init; } = 3;

    public double LatentLearningRate { get; init; } = 2e-4;

    /// <summary>
    /// Share of stage-2 samples whose first shot is clean context (its latents as they are, modulated at t = 0, no loss
    /// on it), so the generator learns to continue a finished shot (<see cref="Pipeline.LongVideo.LatentRollout"/> with
    /// clean context). 0, the default, is what folders trained before the option used.
    /// </summary>
    public double LatentCleanContext { get; init; }

    /// <summary>Probability that a sample's prompts are all replaced by "" (classifier-free guidance).</summary>
    public double TextDropout { get; init; } = 0.1;

    /// <summary>EMA decay of both stages (lower than shapes-v1's 0.999: a fine-tune of ~1,000 steps).</summary>
    public double EmaDecay { get; init; } = 0.995;

    public long CheckpointEvery { get; init; } = 250;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public ShapesStoryOptions Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(Stories >= 1, $"--stories must be at least 1, found {Stories}");
        Require(SemanticStories is null or >= 1, $"--semantic-stories must be at least 1, found {SemanticStories}");
        Require(ShotsPerStory >= 2, $"--shots-per-story must be at least 2, found {ShotsPerStory}");
        Require(SemanticSteps >= 1 && LatentSteps >= 1, "every stage needs at least one step");
        Require(SemanticBatch is >= 1 and <= 256 && LatentBatch is >= 1 and <= 256, "batch sizes must be within 1–256");
        Require(SemanticMaxShots >= 2 && SemanticMaxShots <= ShotsPerStory,
            $"--semantic-max-shots must lie in 2…{ShotsPerStory} (--shots-per-story), found {SemanticMaxShots}");
        Require(LatentShots >= 2 && LatentShots <= ShotsPerStory, $"--latent-shots must lie in 2…{ShotsPerStory} (--shots-per-story), found {LatentShots}");
        Require(SemanticCleanContext is >= 0 and <= 1, $"--semantic-clean-context must lie in [0, 1], found {SemanticCleanContext}");
        Require(LatentCleanContext is >= 0 and <= 1, $"--latent-clean-context must lie in [0, 1], found {LatentCleanContext}");
        Require(TextDropout is >= 0 and < 1, $"--text-dropout must lie in [0, 1), found {TextDropout}");
        Require(EmaDecay is >= 0 and <= 1, $"--ema must lie in [0, 1], found {EmaDecay}");
        Require(CheckpointEvery >= 1, $"--checkpoint-every must be at least 1, found {CheckpointEvery}");
        foreach (var lr in new[] { SemanticLearningRate, LatentLearningRate })
            Require(lr > 0 && double.IsFinite(lr), $"learning rates must be positive, found {lr}");
        return this;
    }
}
