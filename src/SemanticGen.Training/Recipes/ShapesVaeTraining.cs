using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Models.VideoVae;
using SemanticGen.Pipeline.Components;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes;

/// <summary>What <see cref="ShapesVaeTraining.Run"/> trains (the <c>train vae</c> options).</summary>
public sealed record ShapesVaeOptions
{
    /// <summary>Steps of the complete run; a resumed run continues up to this step.</summary>
    public long Steps { get; init; } = 200;

    /// <summary>Clips per step.</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Frames per clip: 4n + 1 (the VAE's causal chunking), at most 49; the first frames of each clip.</summary>
    public int Frames { get; init; } = 9;

    /// <summary>AdamW learning rate (constant; no weight decay).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Weight of the KL term (per-sample KL summed over latent dims, mean over the batch).</summary>
    public double KlWeight { get; init; } = 1e-6;

    /// <summary>Seed of the initialisation, the training clips and the posterior samples.</summary>
    public long Seed { get; init; }

    /// <summary>A checkpoint every this many steps (and after the last).</summary>
    public long CheckpointEvery { get; init; } = 50;

    /// <summary>EMA decay per step; the exported weights are the EMA.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>
    /// When set, gradients are clipped to this global L2 norm before every step (<see cref="TrainingOptions.MaxGradientNorm"/>);
    /// null: no clipping. Not part of <see cref="ShapesVaeTraining.ConfigHash"/>: clipping guards the update and changes
    /// nothing a checkpoint holds, so a run may resume with it switched on (e.g. after a loss spike) or off.
    /// </summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>
    /// Object pixels weigh this many times the background in the reconstruction MSE (<see cref="VaeDecoderRefinement.PixelWeights"/>:
    /// pixels far from the frame's top-left colour). The object covers about 6 % of a Shapes World frame, so plain MSE
    /// (1, the default and what models/shapes-v1 used) spends most of the encoder's capacity on the background, while
    /// shape is read from the object's edges. Part of the checkpoint hash only when it is not 1.
    /// </summary>
    public double ForegroundWeight { get; init; } = 1;

    /// <summary>
    /// A <c>vae.safetensors</c> of <see cref="ShapesVaeTraining.TinyConfig"/> to start from instead of the He
    /// initialisation (fine-tuning a trained VAE with other options; the optimizer starts fresh). Null: start from scratch.
    /// Its content hash is part of the checkpoint hash.
    /// </summary>
    public string? InitialWeights { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule a value breaks.</summary>
    public ShapesVaeOptions Validate()
    {
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1, found {Steps}");
        if (BatchSize is < 1 or > 64) throw new ArgumentException($"--batch must be within 1–64, found {BatchSize}");
        if (Frames < 1 || Frames % 4 != 1 || Frames > ShapesRenderOptions.Default.Frames)
            throw new ArgumentException($"--frames must be 4n + 1 (1, 5, 9, …, {ShapesRenderOptions.Default.Frames}), found {Frames}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"--lr must be positive, found {LearningRate}");
        if (!(KlWeight >= 0) || double.IsInfinity(KlWeight)) throw new ArgumentException($"--kl-weight must be non-negative, found {KlWeight}");
        if (CheckpointEvery < 1) throw new ArgumentException($"--checkpoint-every must be at least 1, found {CheckpointEvery}");
        if (!(EmaDecay >= 0 && EmaDecay <= 1)) throw new ArgumentException($"--ema must lie in [0, 1], found {EmaDecay}");
        if (MaxGradientNorm is { } limit && !(limit > 0 && double.IsFinite(limit)))
            throw new ArgumentException($"--max-grad-norm must be positive, found {limit}");
        if (!(ForegroundWeight >= 1) || double.IsInfinity(ForegroundWeight)) throw new ArgumentException($"--foreground-weight must be at least 1, found {ForegroundWeight}");
        if (InitialWeights is not null && !File.Exists(InitialWeights)) throw new ArgumentException($"--init-from: no such file: {InitialWeights}");
        return this;
    }
}

/// <summary>What a <see cref="ShapesVaeTraining.Run"/> call did and wrote.</summary>
/// <param name="StartStep">The step it resumed from (0 when it started fresh).</param>
/// <param name="FinalStep">Steps done.</param>
/// <param name="FinalLoss">The last logged loss (NaN when none is logged).</param>
/// <param name="TrainingSeconds">Wall time of this call's training steps.</param>
/// <param name="Psnr">Reconstruction PSNR (dB, EMA weights) on <see cref="ShapesVaeTraining.EvaluationClips"/> clips of another seed.</param>
/// <param name="WeightsPath">DIR/vae.safetensors.</param>
/// <param name="ConfigPath">DIR/config.json.</param>
public sealed record ShapesVaeResult(long StartStep, long FinalStep, double FinalLoss, double TrainingSeconds, double Psnr, string WeightsPath, string ConfigPath);

/// <summary>
/// Trains the tiny Wan VAE (<see cref="TinyConfig"/>) on Shapes World clips with <see cref="TrainingLoop"/>:
/// loss = MSE(reconstruction of the posterior mean, video) + kl_weight · KL (see <see cref="Loss"/>). Wan's VAE recipe adds perceptual (LPIPS) and GAN losses; they
/// are skipped here (flat-coloured shapes reconstruct well from MSE alone, and neither network exists in this repo).
/// The reconstruction decodes the posterior mean with the unchunked, differentiable encoder/decoder and no output clamp.
/// Layout of the output folder: <c>checkpoints/</c> (the loop's format), <c>loss.jsonl</c>, and at the end
/// <c>vae.safetensors</c> (EMA weights) + <c>config.json</c> (diffusers <c>AutoencoderKLWan</c> style).
/// </summary>
public static class ShapesVaeTraining
{
    /// <summary>Held-out clips the final PSNR is measured on.</summary>
    public const int EvaluationClips = 4;

    /// <summary>Added to the training seed to pick the evaluation clips (a seed training never draws from).</summary>
    public const long EvaluationSeedOffset = 1_000_003;

    public const string WeightsFile = "vae.safetensors", ConfigFile = "config.json", LossFile = TrainingOptions.LossLogFileName, CheckpointsFolder = TrainingOptions.CheckpointsFolderName;

    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>
    /// The tiny Shapes World VAE: Wan2.1's architecture with base_dim 16, dim_mult [1, 2, 2, 2], one residual block
    /// per stage, no attention; same 4×8×8 compression and z_dim 16, so latents have Wan's shape (16 channels) and the
    /// DiT's in/out channels stay as they are. latents_mean/std are 0/1 placeholders (Wan2.1's statistics describe
    /// another VAE); measure them on the trained model before training a DiT on normalised latents.
    /// </summary>
    public static WanVaeConfig TinyConfig { get; } = new WanVaeConfig
    {
        BaseDim = 16,
        ZDim = 16,
        DimMult = [1, 2, 2, 2],
        NumResBlocks = 1,
        AttnScales = [],
        TemperalDownsample = [false, true, true],
        LatentsMean = Enumerable.Repeat(0.0, 16).ToArray(),
        LatentsStd = Enumerable.Repeat(1.0, 16).ToArray(),
    }.Validate();

    /// <summary>
    /// Hash of everything that makes a checkpoint incompatible: model config and every option but the step counts and
    /// <see cref="ShapesVaeOptions.MaxGradientNorm"/>. Options added later (foreground weight, initial weights) are
    /// appended only when set, so checkpoints written before them keep their hash.
    /// </summary>
    public static string ConfigHash(ShapesVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parts = new List<string>
        {
            "shapes-vae-v4 (he init, mse of the mean reconstruction)", ConfigJson(TinyConfig),
            options.BatchSize.ToString(CultureInfo.InvariantCulture), options.Frames.ToString(CultureInfo.InvariantCulture),
            options.LearningRate.ToString("R", CultureInfo.InvariantCulture), options.KlWeight.ToString("R", CultureInfo.InvariantCulture),
            options.Seed.ToString(CultureInfo.InvariantCulture), options.EmaDecay.ToString("R", CultureInfo.InvariantCulture),
        };
        if (options.ForegroundWeight != 1) parts.Add("foreground " + options.ForegroundWeight.ToString("R", CultureInfo.InvariantCulture));
        if (options.InitialWeights is { } initial) parts.Add("init " + ShapesV1.FileHash.Of(initial));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", parts))))[..16];
    }

    /// <summary>The diffusers-style config.json text of <paramref name="config"/>.</summary>
    public static string ConfigJson(WanVaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = JsonSerializer.SerializeToNode(config, ConfigJsonOptions)!.AsObject();
        node.Insert(0, "_class_name", "AutoencoderKLWan");
        return node.ToJsonString(ConfigJsonOptions) + "\n";
    }

    private static readonly JsonSerializerOptions ConfigJsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The step the latest checkpoint under <paramref name="outFolder"/> holds, or null when there is none.</summary>
    public static long? ResumableStep(string outFolder)
    {
        var latest = CheckpointFolder.FindLatest(Path.Combine(outFolder, CheckpointsFolder));
        return latest is null ? null : CheckpointFolder.StepOf(latest);
    }

    /// <summary>
    /// The loss of one step: mean squared error of the reconstruction of the posterior <b>mean</b> (object pixels weighted
    /// <paramref name="foregroundWeight"/>, <see cref="VaeDecoderRefinement.WeightedMse"/>; at 1 the plain MSE) + kl_weight · mean
    /// per-sample KL (<paramref name="rng"/> is not used). Measured on the tiny config: from PyTorch's default
    /// initialisation this architecture fits the average clip and its decoder stops depending on z (sampled posterior +
    /// L1, or mean + MSE at 1e-4…1e-3: every reconstruction the same flat colour, PSNR 15 dB; escapes were temporary).
    /// <see cref="WanVae.InitializeForTraining"/> (He normal, zero biases) removes that: at 5e-4, batch 2 × 9 frames,
    /// the loss falls to 0.033 by step 300 with reconstructions that follow their inputs. The KL term keeps the
    /// latents near N(0, 1); the DiT trains on latents normalised by their measured statistics.
    /// </summary>
    public static Tensor Loss(WanVae vae, Tensor video, Generator rng, Scalar klWeight, double foregroundWeight = 1)
    {
        ArgumentNullException.ThrowIfNull(vae);
        ArgumentNullException.ThrowIfNull(video);
        using var scope = NewDisposeScope();
        var posterior = vae.EncodeUnchunked(video);
        var reconstruction = vae.DecodeUnchunked(posterior.Mean, clamp: false);
        var mse = foregroundWeight == 1
            ? nn.functional.mse_loss(reconstruction, video)
            : VaeDecoderRefinement.WeightedMse(reconstruction, video, VaeDecoderRefinement.PixelWeights(video, borderWidth: 0, borderWeight: 1, foregroundWeight));
        var kl = posterior.Kl().mean();
        return mse.add(kl.mul(klWeight), One).MoveToOuterDisposeScope();
    }

    /// <summary>PSNR (dB, peak-to-peak 2 for [−1, 1]) of the reference chunked encode (posterior mean) → decode.</summary>
    public static double ReconstructionPsnr(WanVae vae, Tensor video)
    {
        ArgumentNullException.ThrowIfNull(vae);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var posterior = vae.Encode(video);
        var mse = nn.functional.mse_loss(vae.Decode(posterior.Mean), video).item<float>();
        return 10 * Math.Log10(4.0 / Math.Max(mse, 1e-12));
    }

    /// <summary>
    /// Trains (resuming from <c>outFolder/checkpoints/latest</c> when present) up to <see cref="ShapesVaeOptions.Steps"/>,
    /// then writes the EMA weights and config atomically and measures the held-out PSNR.
    /// </summary>
    /// <exception cref="CheckpointException">The latest checkpoint is unreadable or was written for other options.</exception>
    public static ShapesVaeResult Run(ShapesVaeOptions options, string outFolder, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(outFolder);
        random.manual_seed(options.Seed);                                             // initial weights (a resume overwrites them)
        using var vae = new WanVae(TinyConfig);
        vae.InitializeForTraining();
        if (options.InitialWeights is { } initial) PipelineComponents.LoadInto(vae, initial);   // a resume overwrites these too
        vae.train();
        var batches = new ShapesVideoBatches(options.Seed, options.BatchSize, options.Frames);
        using var klWeight = options.KlWeight.ToScalar();
        var training = TrainingOptions.InFolder(outFolder, options.Steps, options.CheckpointEvery, options.EmaDecay, options.Seed, ConfigHash(options))
            with { MaxGradientNorm = options.MaxGradientNorm };

        var clock = Stopwatch.StartNew();
        TrainingResult result;
        using (var loop = new TrainingLoop(training, vae, m => optim.AdamW(m.parameters(), lr: options.LearningRate, weight_decay: 0),
                   (position, rng) =>
                   {
                       var video = batches.Batch(position);
                       return Loss(vae, video, rng, klWeight, options.ForegroundWeight);
                   }, progress))
        {
            result = loop.Run(cancellationToken);
            loop.Ema.CopyTo(vae);
        }
        var seconds = clock.Elapsed.TotalSeconds;

        vae.eval();
        var weightsPath = Path.Combine(outFolder, WeightsFile);
        var configPath = Path.Combine(outFolder, ConfigFile);
        SafetensorsWriter.Write(weightsPath, vae.state_dict());
        AtomicFile.WriteAllText(configPath, ConfigJson(TinyConfig));

        var evaluation = new ShapesVideoBatches(options.Seed + EvaluationSeedOffset, EvaluationClips, options.Frames);
        using var heldOut = evaluation.Batch(0);
        var psnr = ReconstructionPsnr(vae, heldOut);
        var logged = LossLog.Read(Path.Combine(outFolder, LossFile));
        var finalLoss = logged.Count > 0 ? logged[^1].Loss : double.NaN;
        return new ShapesVaeResult(result.StartStep, result.FinalStep, finalLoss, seconds, psnr, weightsPath, configPath);
    }
}
