using System.Text.Json;
using SemanticGen.Models.Generators;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1.Stories;

/// <summary>
/// Fine-tunes a finished shapes-v1 folder's generators on multi-shot stories (issue 6), in place: 1 encode N training
/// stories once (<see cref="ShapesStoryCache"/>) → 2 stage 1 on 2…K consecutive shots with full attention → 3 stage 2 on
/// K shots with shifted windows. The short generators stay as they are (they serve <c>generate</c> and the
/// independent-shots baseline); the story ones go to their own files, and <see cref="PipelineManifest.Stories"/> is set
/// when both are trained, from which point the long-video pipeline uses them. Finished stages are recorded in the
/// manifest (<c>stage.story-…</c>); re-running resumes an unfinished stage from <c>.work/</c>; other options are refused.
/// </summary>
public static class ShapesStoryRecipe
{
    /// <summary>Stage names, in order.</summary>
    public static readonly string[] Stages = ["story-cache", "story-semantic", "story-latent"];

    public const string IdentityKey = "story-recipe";

    public static PipelineManifest Run(ShapesStoryOptions options, string folder, IProgress<RecipeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var manifest = PipelineManifest.Read(folder);
        if (!ShapesV1Recipe.IsDone(manifest, "semantic"))
            throw new ArgumentException($"{folder}: the short-video pipeline is not trained yet (no stage.semantic in {PipelineManifest.FileName}); run `./semanticgen recipe shapes-v1 --out {folder}` first.");
        var identity = Identity(options);
        if (manifest.Training.TryGetValue(IdentityKey, out var recorded) && recorded != identity)
            throw new ArgumentException($"{folder} holds story generators trained with other options ({recorded}); use the same options or a copy of the short pipeline.");
        if (recorded is null)
        {
            manifest = manifest with { Training = new Dictionary<string, string>(manifest.Training) { [IdentityKey] = identity } };
            manifest.Write(folder);
        }
        var work = Path.Combine(folder, ShapesV1Recipe.WorkFolder);
        Directory.CreateDirectory(work);
        var files = new StoryGenerators(SemanticShotsTrained: options.SemanticMaxShots, LatentShotsTrained: options.LatentShots,
            LatentCleanContextTrained: options.LatentCleanContext, SemanticCleanContextTrained: options.SemanticCleanContext,
            SemanticContext: DefaultSemanticContext(options), CleanSemanticContext: options.SemanticCleanContext > 0,
            LatentContext: DefaultLatentContext(options), CleanLatentContext: options.LatentCleanContext > 0);
        var cache = Path.Combine(work, ShapesStoryCache.FileName);

        if (!ShapesV1Recipe.IsDone(manifest, "story-cache"))
        {
            progress?.Report(new RecipeProgress("story-cache", Message: $"encoding {options.Stories} stories × {options.ShotsPerStory} shots once"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (var components = PipelineComponents.Load(folder))
            {
                ShapesStoryCache.Ensure(cache, components, options.Seed, options.Stories, options.ShotsPerStory,
                    message => progress?.Report(new RecipeProgress("story-cache", Message: message)),
                    new SynchronousProgress<(int Done, int Total)>(p => progress?.Report(new RecipeProgress("story-cache",
                        new TrainingProgress(p.Done, p.Total, double.NaN, 0, p.Done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9))))), cancellationToken);
            }
            manifest = ShapesV1Recipe.MarkDone(folder, manifest, "story-cache",
                $"{options.Stories} stories × {options.ShotsPerStory} shots, {clock.Elapsed.TotalSeconds:F0} s");
        }

        if (!ShapesV1Recipe.IsDone(manifest, "story-semantic"))
        {
            progress?.Report(new RecipeProgress("story-semantic"));
            using var components = PipelineComponents.Load(folder);
            var semanticCache = cache;
            if (options.SemanticStories is { } semanticStories && semanticStories != options.Stories)
            {
                semanticCache = Path.Combine(work, ShapesStoryCache.SemanticFileName);
                progress?.Report(new RecipeProgress("story-semantic", Message: $"encoding the semantic features of {semanticStories} stories × {options.ShotsPerStory} shots once"));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                ShapesStoryCache.Ensure(semanticCache, components, options.Seed, semanticStories, options.ShotsPerStory,
                    message => progress?.Report(new RecipeProgress("story-semantic", Message: message)),
                    new SynchronousProgress<(int Done, int Total)>(p => progress?.Report(new RecipeProgress("story-semantic",
                        new TrainingProgress(p.Done, p.Total, double.NaN, 0, p.Done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9))))), cancellationToken,
                    withLatents: false);
            }
            using var data = ShapesStoryData.Load(semanticCache, components);
            using var targets = ShapesStoryStages.SemanticTargets(components, data);
            using var generator = new SemanticGenerator(manifest.SemanticGenerator, manifest.Compressor.TokenDim);
            var init = InitWeights("--semantic-init-from", options.SemanticInitFrom, Path.Combine(folder, manifest.SemanticGeneratorFile));
            PipelineComponents.LoadInto(generator, init);
            var plan = new StagePlan("story-semantic", options.SemanticSteps, options.SemanticLearningRate, options.CheckpointEvery, options.EmaDecay,
                options.Seed + 11, ShapesV1Recipe.Hash("story-semantic", identity, FileHash.Of(init), FileHash.Of(semanticCache)));
            var result = StageTraining.Run(plan, work, generator,
                ShapesStoryStages.SemanticStep(generator, components, data, targets, options.Seed + 11, options.SemanticBatch, options.SemanticMaxShots, options.TextDropout,
                    options.SemanticCleanContext),
                ShapesV1Recipe.StepProgress(progress, "story-semantic"), cancellationToken);
            Weights.SafetensorsWriter.Write(Path.Combine(folder, files.SemanticGeneratorFile), generator.state_dict());
            // A folder whose story stage 1 is re-trained after both stages finished (stage.story-semantic removed) keeps its
            // stories entry; it must then describe the new weights.
            var described = manifest.Stories is null ? manifest : manifest with
            {
                Stories = manifest.Stories with
                {
                    SemanticShotsTrained = options.SemanticMaxShots, SemanticCleanContextTrained = options.SemanticCleanContext,
                    SemanticContext = DefaultSemanticContext(options), CleanSemanticContext = options.SemanticCleanContext > 0,
                },
            };
            manifest = ShapesV1Recipe.MarkDone(folder, described, "story-semantic",
                ShapesV1Recipe.Describe(result) + (options.SemanticInitFrom is null ? "" : $", from {Path.GetFileName(init)}"));
        }

        if (!ShapesV1Recipe.IsDone(manifest, "story-latent"))
        {
            progress?.Report(new RecipeProgress("story-latent"));
            using var components = PipelineComponents.Load(folder);
            using var data = ShapesStoryData.Load(cache, components);
            using var generator = new LatentGenerator(manifest.LatentGenerator);
            var init = InitWeights("--latent-init-from", options.LatentInitFrom, Path.Combine(folder, manifest.LatentGeneratorFile));
            PipelineComponents.LoadInto(generator, init);
            var plan = new StagePlan("story-latent", options.LatentSteps, options.LatentLearningRate, options.CheckpointEvery, options.EmaDecay,
                options.Seed + 12, ShapesV1Recipe.Hash("story-latent", identity, FileHash.Of(init), FileHash.Of(cache)));
            var result = StageTraining.Run(plan, work, generator,
                ShapesStoryStages.LatentStep(generator, components, data, options.Seed + 12, options.LatentBatch, options.LatentShots, options.TextDropout,
                    options.LatentCleanContext),
                ShapesV1Recipe.StepProgress(progress, "story-latent"), cancellationToken);
            Weights.SafetensorsWriter.Write(Path.Combine(folder, files.LatentGeneratorFile), generator.state_dict());
            manifest = ShapesV1Recipe.MarkDone(folder, manifest with { Stories = files }, "story-latent",
                ShapesV1Recipe.Describe(result) + (options.LatentInitFrom is null ? "" : $", from {Path.GetFileName(init)}"));
        }
        return manifest;
    }

    /// <summary>
    /// The weights a story stage starts from: the file its <paramref name="option"/> names, or by default the short
    /// generator's file (<paramref name="shortGenerator"/>); a missing file is refused naming the option and the path.
    /// </summary>
    static string InitWeights(string option, string? given, string shortGenerator)
    {
        var init = given ?? shortGenerator;
        if (!File.Exists(init))
            throw new FileNotFoundException($"{option}: {init} does not exist.", init);
        return init;
    }

    /// <summary>
    /// How the long-video pipeline samples stage 1 by default after this recipe: a story semantic generator trained with
    /// clean context continues finished shots, shot by shot with the most context it trained on (K = max shots − 1); one
    /// trained without it samples all shots at once (null).
    /// </summary>
    public static int? DefaultSemanticContext(ShapesStoryOptions options) =>
        options.SemanticCleanContext > 0 ? options.SemanticMaxShots - 1 : null;

    /// <summary>
    /// How the long-video pipeline samples stage 2 by default after this recipe: a story latent generator trained with
    /// clean context continues each finished shot (K = 1, the one clean shot it trained with); one trained without it
    /// samples all shots at once with shifted windows (null).
    /// </summary>
    public static int? DefaultLatentContext(ShapesStoryOptions options) =>
        options.LatentCleanContext > 0 ? 1 : null;

    /// <summary>
    /// The options as recorded in the manifest; a re-run must match them except the step counts and checkpoint interval.
    /// <see cref="ShapesStoryOptions.SemanticStories"/> is left out when it names the story cache's own count (what every
    /// folder trained before the option existed did), so those folders resume with <c>--semantic-stories</c> equal to
    /// <c>--stories</c>; <see cref="ShapesStoryOptions.LatentCleanContext"/> and <see cref="ShapesStoryOptions.SemanticCleanContext"/> are left out at 0, so folders trained before it
    /// keep their identity.
    /// </summary>
    public static string Identity(ShapesStoryOptions options)
    {
        var identity = JsonSerializer.SerializeToNode(options with { SemanticSteps = 0, LatentSteps = 0, CheckpointEvery = 0 })!.AsObject();
        identity.Remove(nameof(ShapesStoryOptions.SemanticInitFrom));
        identity.Remove(nameof(ShapesStoryOptions.LatentInitFrom));
        if (options.SemanticStories is null || options.SemanticStories == options.Stories) identity.Remove(nameof(ShapesStoryOptions.SemanticStories));
        if (options.LatentCleanContext == 0) identity.Remove(nameof(ShapesStoryOptions.LatentCleanContext));
        if (options.SemanticCleanContext == 0) identity.Remove(nameof(ShapesStoryOptions.SemanticCleanContext));
        return "shapes-v1-stories " + identity.ToJsonString();
    }
}
