using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>Progress of the recipe: a stage starts (<see cref="Stage"/> set) or reports a training step.</summary>
public sealed record RecipeProgress(string Stage, TrainingProgress? Step = null, string? Message = null);

/// <summary>
/// Trains the whole default pipeline on the Shapes World train split into one pipeline folder, in the paper's order:
/// 1 VAE → 2 semantic encoder (VideoMAE masked autoencoding) → 3 precompute latents + features once (and measure the
/// VAE's latents_mean/std) → 4 stage 2: compressor + latent generator together → 5 stage 1: semantic generator on the
/// compressor's normalised μ → 6 stage 2 continued with the compressor frozen (optional: z_sem, and so stage 1, unchanged)
/// → 7 refine the VAE decoder with its encoder frozen (sharper reconstructions; latents, and so
/// the generators, unchanged). The text encoder (umT5 at a tiny size) is frozen at its seeded random initialisation:
/// no pretrained text encoder can be obtained here, and frozen is what the paper does with its own.
/// The folder is a valid pipeline after step 0 (every file written untrained) and after every stage; re-running the
/// command skips finished stages (recorded in pipeline.json) and resumes an unfinished one from its checkpoints in
/// <c>.work/</c>.
/// </summary>
public static class ShapesV1Recipe
{
    public const string WorkFolder = ".work";

    /// <summary>Stage names, in order (also the keys in <see cref="PipelineManifest.Training"/>).</summary>
    public static readonly string[] Stages = ["vae", "encoder", "cache", "latent", "semantic", "latent-refine", "decoder"];

    /// <summary>Runs the stages in order up to and including <paramref name="until"/> (all when null), skipping finished ones.</summary>
    public static PipelineManifest Run(ShapesV1Options options, string folder, IProgress<RecipeProgress>? progress = null,
        CancellationToken cancellationToken = default, string? until = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (until is not null && !Stages.Contains(until))
            throw new ArgumentException($"unknown stage '{until}'; stages: {string.Join(", ", Stages)}.");
        var last = until is null ? Stages.Length - 1 : Array.IndexOf(Stages, until);
        Directory.CreateDirectory(folder);
        var work = Path.Combine(folder, WorkFolder);
        Directory.CreateDirectory(work);
        var manifest = Initialise(folder, options);

        manifest = RunVae(folder, work, manifest, options, progress, cancellationToken);
        if (last >= 1) manifest = RunEncoder(folder, work, manifest, options, progress, cancellationToken);
        if (last >= 2) manifest = RunCacheAndLatentStatistics(folder, work, manifest, options, progress);
        if (last >= 3) manifest = RunLatent(folder, work, manifest, options, progress, cancellationToken);
        if (last >= 4) manifest = RunSemantic(folder, work, manifest, options, progress, cancellationToken);
        if (last >= 5) manifest = RunLatentRefine(folder, work, manifest, options, progress, cancellationToken);
        if (last >= 6) manifest = RunDecoder(folder, work, manifest, options, progress, cancellationToken);
        return manifest;
    }

    /// <summary>Step 0: vocabulary, manifest and every component file at its seeded initialisation (once).</summary>
    public static PipelineManifest Initialise(string folder, ShapesV1Options options)
    {
        var manifestPath = Path.Combine(folder, PipelineManifest.FileName);
        if (File.Exists(manifestPath))
        {
            var existing = PipelineManifest.Read(folder);
            if (existing.Training.GetValueOrDefault("recipe") != RecipeIdentity(options))
                throw new ArgumentException(
                    $"{folder} holds a pipeline trained with other options ({existing.Training.GetValueOrDefault("recipe", "none recorded")}); use a new --out folder or the same options.");
            return existing;
        }
        var vocabulary = Path.Combine(folder, "tokenizer", "vocab.txt");
        ShapesVocabulary.Write(vocabulary);
        var manifest = ShapesV1Sizes.Manifest(ShapesVocabulary.Tokens().Count) with
        {
            Training = new Dictionary<string, string>
            {
                ["recipe"] = RecipeIdentity(options),
                ["data"] = "Shapes World v1 train split captions ('a {colour} {shape} {motion} on a {background} background')",
            },
        };
        random.manual_seed(options.Seed);
        using (var components = PipelineComponents.Create(folder, manifest))
        {
            foreach (var (module, file) in components.Files())
                components.Save(module, file);
        }
        var tokenizer = PromptTokenizer.FromFile(vocabulary, manifest.TextLength);
        manifest = manifest with { TrainedTokenIds = TrainedTokenIds(tokenizer) };
        manifest.Write(folder);
        return manifest;
    }

    /// <summary>Every token id of the train split's captions and of the empty prompt.</summary>
    public static IReadOnlyList<int> TrainedTokenIds(PromptTokenizer tokenizer) =>
        [.. ShapesSplit.Train.Select(c => c.Caption).Append("").SelectMany(tokenizer.Tokenize).Distinct().Order()];

    private static PipelineManifest RunVae(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (IsDone(manifest, "vae")) return manifest;
        progress?.Report(new RecipeProgress("vae"));
        var vaeOptions = new ShapesVaeOptions
        {
            Steps = options.VaeSteps, Frames = options.VaeFrames, LearningRate = options.VaeLearningRate, Seed = options.Seed,
            EmaDecay = options.EmaDecay, CheckpointEvery = options.CheckpointEvery, MaxGradientNorm = options.VaeMaxGradientNorm,
            ForegroundWeight = options.VaeForegroundWeight,
        };
        var stepProgress = StepProgress(progress, "vae");
        var result = ShapesVaeTraining.Run(vaeOptions, Path.Combine(work, "vae"), stepProgress, ct);
        File.Copy(result.WeightsPath, Path.Combine(folder, manifest.VaeFile), overwrite: true);
        return MarkDone(folder, manifest, "vae",
            $"{result.FinalStep} steps, final loss {F(result.FinalLoss)}, held-out PSNR {result.Psnr:F1} dB, {result.TrainingSeconds:F0} s");
    }

    private static PipelineManifest RunEncoder(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (IsDone(manifest, "encoder")) return manifest;
        progress?.Report(new RecipeProgress("encoder"));
        random.manual_seed(options.Seed + 1);
        using var model = new VideoMAEPretraining(manifest.SemanticEncoder);
        model.InitializeWeights();
        var plan = new StagePlan("encoder", options.EncoderSteps, options.EncoderLearningRate, options.CheckpointEvery, options.EmaDecay, options.Seed,
            Hash("encoder", JsonSerializer.Serialize(manifest.SemanticEncoder), options.EncoderBatch, options.MaskRatio, options.EncoderLearningRate, options.Seed));
        var result = StageTraining.Run(plan, work, model, ShapesV1Stages.EncoderStep(model, manifest, options.Seed, options.EncoderBatch, options.MaskRatio),
            StepProgress(progress, "encoder"), ct);
        Weights.SafetensorsWriter.Write(Path.Combine(folder, manifest.SemanticEncoderFile), model.Encoder.state_dict());
        return MarkDone(folder, manifest, "encoder", Describe(result));
    }

    private static PipelineManifest RunCacheAndLatentStatistics(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress)
    {
        if (IsDone(manifest, "cache")) return manifest;
        progress?.Report(new RecipeProgress("cache", Message: $"encoding {options.CachedClips} training clips once"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string cache;
        using (var components = PipelineComponents.Load(folder))
        {
            cache = ShapesLatentCache.Ensure(Path.Combine(work, ShapesLatentCache.FileName), components, options.Seed, options.CachedClips,
                message => progress?.Report(new RecipeProgress("cache", Message: message)),
                new Progress<(int Done, int Total)>(p => progress?.Report(new RecipeProgress("cache",
                    new TrainingProgress(p.Done, p.Total, double.NaN, 0, p.Done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9))))));
        }
        // The DiT trains on (z − mean)/std per channel: measure them on the trained VAE's latents.
        using var file = Weights.SafetensorsFile.Open(cache);
        using var latents = file.ReadTensor("latents", ScalarType.Float32);
        using var channels = latents.transpose(0, 1).reshape(latents.shape[1], -1);          // (z, N·T·h·w)
        using var mean = channels.mean([1]);
        using var std = channels.std(1);
        var vae = manifest.Vae with
        {
            LatentsMean = mean.data<float>().Select(v => Math.Round(v, 6)).ToArray(),
            LatentsStd = std.data<float>().Select(v => Math.Round(Math.Max(v, 1e-6), 6)).ToArray(),
        };
        return MarkDone(folder, manifest with { Vae = vae }, "cache", $"{options.CachedClips} clips, {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static PipelineManifest RunLatent(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (IsDone(manifest, "latent")) return manifest;
        progress?.Report(new RecipeProgress("latent"));
        using var components = PipelineComponents.Load(folder);
        using var data = ShapesTrainingData.Load(Path.Combine(work, ShapesLatentCache.FileName), components);
        var group = new ModuleGroup("latent_stage", [("compressor", components.Compressor), ("latent_generator", components.LatentGenerator)]);
        var plan = new StagePlan("latent", options.LatentSteps, options.LatentLearningRate, options.CheckpointEvery, options.EmaDecay, options.Seed + 2,
            Hash("latent", JsonSerializer.Serialize(manifest.LatentGenerator), JsonSerializer.Serialize(manifest.Compressor), options.LatentBatch,
                options.LatentLearningRate, options.KlWeight, options.TextDropout, options.Seed, FileHash.Of(Path.Combine(work, ShapesLatentCache.FileName))));
        var result = StageTraining.Run(plan, work, group,
            ShapesV1Stages.LatentStep(components, data, options.Seed + 2, options.LatentBatch, options.TextDropout, options.KlWeight), StepProgress(progress, "latent"), ct);
        components.Save(components.Compressor, manifest.CompressorFile);
        components.Save(components.LatentGenerator, manifest.LatentGeneratorFile);
        GC.KeepAlive(group);
        return MarkDone(folder, manifest, "latent", Describe(result));
    }

    private static PipelineManifest RunSemantic(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (IsDone(manifest, "semantic")) return manifest;
        progress?.Report(new RecipeProgress("semantic"));
        using var components = PipelineComponents.Load(folder);
        using var data = ShapesTrainingData.Load(Path.Combine(work, ShapesLatentCache.FileName), components);
        var (mean, std, targets) = ShapesV1Stages.SemanticTargets(components, data.Features);
        using (targets)
        {
            var plan = new StagePlan("semantic", options.SemanticSteps, options.SemanticLearningRate, options.CheckpointEvery, options.EmaDecay, options.Seed + 3,
                Hash("semantic", JsonSerializer.Serialize(manifest.SemanticGenerator), options.SemanticBatch, options.SemanticLearningRate, options.TextDropout,
                    options.Seed, FileHash.Of(Path.Combine(folder, manifest.CompressorFile))));
            var result = StageTraining.Run(plan, work, components.SemanticGenerator,
                ShapesV1Stages.SemanticStep(components, data, targets, options.Seed + 3, options.SemanticBatch, options.TextDropout), StepProgress(progress, "semantic"), ct);
            components.Save(components.SemanticGenerator, manifest.SemanticGeneratorFile);
            return MarkDone(folder, manifest with { SemanticMean = mean, SemanticStd = std }, "semantic", Describe(result));
        }
    }

    private static PipelineManifest RunLatentRefine(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (options.LatentRefineSteps == 0 || IsDone(manifest, "latent-refine")) return manifest;
        progress?.Report(new RecipeProgress("latent-refine"));
        using var components = PipelineComponents.Load(folder);
        using var data = ShapesTrainingData.Load(Path.Combine(work, ShapesLatentCache.FileName), components);
        components.Compressor.train();                                                              // samples μ + σ·ε; no gradients reach it
        var plan = new StagePlan("latent-refine", options.LatentRefineSteps, options.LatentLearningRate, options.CheckpointEvery, options.EmaDecay, options.Seed + 5,
            Hash("latent-refine", JsonSerializer.Serialize(manifest.LatentGenerator), options.LatentBatch, options.LatentLearningRate, options.TextDropout,
                options.Seed, FileHash.Of(Path.Combine(folder, manifest.CompressorFile)), FileHash.Of(Path.Combine(work, ShapesLatentCache.FileName))));
        var result = StageTraining.Run(plan, work, components.LatentGenerator,
            ShapesV1Stages.LatentRefineStep(components, data, options.Seed + 5, options.LatentBatch, options.TextDropout), StepProgress(progress, "latent-refine"), ct);
        components.Compressor.eval();
        components.Save(components.LatentGenerator, manifest.LatentGeneratorFile);
        return MarkDone(folder, manifest, "latent-refine", Describe(result));
    }

    private static PipelineManifest RunDecoder(string folder, string work, PipelineManifest manifest, ShapesV1Options options, IProgress<RecipeProgress>? progress, CancellationToken ct)
    {
        if (IsDone(manifest, "decoder")) return manifest;
        progress?.Report(new RecipeProgress("decoder"));
        var vaePath = Path.Combine(folder, manifest.VaeFile);
        using var vae = new Models.VideoVae.WanVae(manifest.Vae);
        PipelineComponents.LoadInto(vae, vaePath);
        var refinement = new VaeDecoderRefinementOptions
        {
            Steps = options.DecoderSteps, LearningRate = options.DecoderLearningRate, Seed = options.Seed + 21, CheckpointEvery = options.CheckpointEvery,
            ForegroundWeight = options.DecoderForegroundWeight,
            RecolourFraction = options.DecoderRecolourFraction,
            Loss = options.DecoderLoss,
        };
        var evaluation = new ShapesVideoBatches(options.Seed + ShapesVaeTraining.EvaluationSeedOffset, ShapesVaeTraining.EvaluationClips, options.VaeFrames);
        using var heldOut = evaluation.Batch(0);
        vae.eval();
        var before = ShapesVaeTraining.ReconstructionPsnr(vae, heldOut);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = VaeDecoderRefinement.Run(refinement, vae, Path.Combine(work, "decoder"), StepProgress(progress, "decoder"), ct);
        var after = ShapesVaeTraining.ReconstructionPsnr(vae, heldOut);
        Weights.SafetensorsWriter.Write(vaePath, vae.state_dict());
        var losses = LossLog.Read(Path.Combine(work, "decoder", TrainingOptions.LossLogFileName));
        return MarkDone(folder, manifest, "decoder",
            $"{result.FinalStep} steps{(result.StartStep > 0 ? $" (resumed at {result.StartStep})" : "")}, final loss {F(losses.Count > 0 ? losses[^1].Loss : double.NaN)}, held-out PSNR {before:F1} → {after:F1} dB, {clock.Elapsed.TotalSeconds:F0} s");
    }

    internal static bool IsDone(PipelineManifest manifest, string stage) => manifest.Training.ContainsKey("stage." + stage);

    internal static PipelineManifest MarkDone(string folder, PipelineManifest manifest, string stage, string summary)
    {
        var training = new Dictionary<string, string>(manifest.Training) { ["stage." + stage] = summary };
        var updated = manifest with { Training = training };
        updated.Write(folder);
        return updated;
    }

    internal static string Describe(StageResult result) =>
        $"{result.FinalStep} steps{(result.StartStep > 0 ? $" (resumed at {result.StartStep})" : "")}, final loss {F(result.FinalLoss)}, {result.Seconds:F0} s";

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    internal static IProgress<TrainingProgress>? StepProgress(IProgress<RecipeProgress>? progress, string stage) =>
        progress is null ? null : new SynchronousProgress<TrainingProgress>(step => progress.Report(new RecipeProgress(stage, step)));

    /// <summary>
    /// The recipe's options as recorded in the manifest; a re-run must match them, except the step counts and the
    /// checkpoint interval (raising a stage's steps continues an unfinished stage; a finished stage stays finished).
    /// </summary>
    public static string RecipeIdentity(ShapesV1Options options)
    {
        var identity = JsonSerializer.SerializeToNode(options with { VaeSteps = 0, EncoderSteps = 0, LatentSteps = 0, SemanticSteps = 0, DecoderSteps = 0, CheckpointEvery = 0 })!.AsObject();
        // Options added after folders were trained are left out at their neutral values, so those folders keep resuming.
        if (options.DecoderForegroundWeight == 1) identity.Remove(nameof(ShapesV1Options.DecoderForegroundWeight));
        if (options.DecoderRecolourFraction == 0) identity.Remove(nameof(ShapesV1Options.DecoderRecolourFraction));
        if (options.DecoderLoss == DecoderReconstructionLoss.Mse) identity.Remove(nameof(ShapesV1Options.DecoderLoss));
        if (options.VaeMaxGradientNorm is null) identity.Remove(nameof(ShapesV1Options.VaeMaxGradientNorm));
        if (options.VaeForegroundWeight == 1) identity.Remove(nameof(ShapesV1Options.VaeForegroundWeight));
        identity.Remove(nameof(ShapesV1Options.LatentRefineSteps));                                 // a step count, like the others

        return "shapes-v1 " + identity.ToJsonString();
    }

    internal static string Hash(params object[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture))))))[..16];
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (training loops report from their own).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
