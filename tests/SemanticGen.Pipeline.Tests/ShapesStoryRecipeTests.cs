using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Training.Recipes.ShapesV1;
using SemanticGen.Training.Recipes.ShapesV1.Stories;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

/// <summary>A shapes-v1 folder trained end to end at a few steps per stage, made once for the story-recipe tests (copy before changing it).</summary>
public sealed class TrainedTinyPipelineFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public TrainedTinyPipelineFixture()
    {
        ShapesV1Recipe.Run(new ShapesV1Options
        {
            VaeSteps = 2, VaeFrames = 5, EncoderSteps = 2, EncoderBatch = 2, CachedClips = 8,
            LatentSteps = 2, LatentBatch = 2, LatentRefineSteps = 1, SemanticSteps = 2, SemanticBatch = 2, DecoderSteps = 1, CheckpointEvery = 2,
        }, _folder.Path);
    }

    public string Folder => _folder.Path;

    /// <summary>A copy of the trained folder (pipeline.json, component files, .work/).</summary>
    public TempFolder Copy()
    {
        var copy = new TempFolder();
        foreach (var directory in Directory.GetDirectories(Folder, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(Folder, copy.Path));
        foreach (var file in Directory.GetFiles(Folder, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(Folder, copy.Path), overwrite: true);
        return copy;
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The story fine-tune (issue 6) end to end at tiny sizes: real stories, real stages, a few steps.</summary>
public sealed class ShapesStoryRecipeTests(TrainedTinyPipelineFixture trained) : IClassFixture<TrainedTinyPipelineFixture>
{
    private static readonly ShapesStoryOptions Tiny = new()
    {
        Stories = 3, SemanticStories = null, ShotsPerStory = 3, SemanticSteps = 3, SemanticBatch = 2, SemanticMaxShots = 3,
        LatentSteps = 4, LatentBatch = 2, LatentShots = 2, CheckpointEvery = 2,
    };

    private static readonly string[] Prompts = ["a red circle moves right on a gray background", "a red circle moves down on a gray background"];

    [Fact]
    public void The_story_recipe_adds_story_generators_that_the_long_pipeline_uses_and_leaves_the_short_ones_alone()
    {
        using var folder = trained.Copy();
        var shortFiles = new[] { "semantic_generator.safetensors", "latent_generator.safetensors" }
            .ToDictionary(f => f, f => File.ReadAllBytes(folder.File(f)));
        Tensor before;
        using (var components = PipelineComponents.Load(folder.Path))
        {
            components.StorySemanticGenerator.Should().BeNull();
            components.LongVideoLatentGenerator.Should().BeSameAs(components.LatentGenerator);
            before = LongVideoPipeline.Latents(components, Prompts, new LongVideoRequest(3, Steps: 2));
        }

        var stages = new List<string>();
        var manifest = ShapesStoryRecipe.Run(Tiny, folder.Path, new SynchronousProgress<RecipeProgress>(p =>
        {
            if (stages.Count == 0 || stages[^1] != p.Stage) stages.Add(p.Stage);
        }), TestContext.Current.CancellationToken);

        stages.Should().Equal(ShapesStoryRecipe.Stages);
        manifest.Stories.Should().NotBeNull();
        manifest.Stories!.LatentShotsTrained.Should().Be(2);
        foreach (var (file, bytes) in shortFiles)
            File.ReadAllBytes(folder.File(file)).Should().Equal(bytes, $"{file} serves generate and the baseline");
        File.ReadAllBytes(folder.File(manifest.Stories.LatentGeneratorFile)).Should().NotEqual(shortFiles["latent_generator.safetensors"]);
        using (var components = PipelineComponents.Load(folder.Path))
        using (before)
        {
            components.LongVideoSemanticGenerator.Should().BeSameAs(components.StorySemanticGenerator);
            components.LongVideoLatentGenerator.Should().BeSameAs(components.StoryLatentGenerator);
            using var after = LongVideoPipeline.Latents(components, Prompts, new LongVideoRequest(3, Steps: 2));
            after.shape.Should().Equal(before.shape);
            after.allclose(before).Should().BeFalse("the long pipeline now samples with the story-trained generators");
        }

        var again = new List<string>();
        ShapesStoryRecipe.Run(Tiny, folder.Path, new SynchronousProgress<RecipeProgress>(p => again.Add(p.Stage)), TestContext.Current.CancellationToken);
        again.Should().BeEmpty("every story stage is finished");
    }

    [Fact]
    public void An_interrupted_story_stage_resumes_to_exactly_the_weights_of_an_uninterrupted_run()
    {
        using var straight = trained.Copy();
        using var interrupted = trained.Copy();
        ShapesStoryRecipe.Run(Tiny, straight.Path, cancellationToken: TestContext.Current.CancellationToken);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new SynchronousProgress<RecipeProgress>(p =>
        {
            if (p.Stage == "story-latent" && p.Step?.Step == 3) cancel.Cancel();                // after the checkpoint at step 2
        });
        var stop = () => ShapesStoryRecipe.Run(Tiny, interrupted.Path, progress, cancel.Token);
        stop.Should().Throw<OperationCanceledException>();
        PipelineManifest.Read(interrupted.Path).Stories.Should().BeNull("the long pipeline keeps the short generators until both story stages finish");

        var resumed = ShapesStoryRecipe.Run(Tiny, interrupted.Path, cancellationToken: TestContext.Current.CancellationToken);
        resumed.Training["stage.story-latent"].Should().Contain("resumed at 2");
        foreach (var file in new[] { resumed.Stories!.SemanticGeneratorFile, resumed.Stories.LatentGeneratorFile })
            File.ReadAllBytes(interrupted.File(file)).Should().Equal(File.ReadAllBytes(straight.File(file)), file);
    }

    [Fact]
    public void Story_stages_trained_with_clean_context_are_recorded_and_let_the_long_pipeline_continue_clean_shots()
    {
        using var folder = trained.Copy();
        var options = Tiny with { SemanticSteps = 2, LatentSteps = 2, LatentCleanContext = 1, SemanticCleanContext = 1 };
        var manifest = ShapesStoryRecipe.Run(options, folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        manifest.Stories!.LatentCleanContextTrained.Should().Be(1);
        manifest.Stories.SemanticCleanContextTrained.Should().Be(1);
        manifest.Stories.SemanticContext.Should().Be(Tiny.SemanticMaxShots - 1, "a folder trained for clean context samples stage 1 that way by default");
        manifest.Stories.CleanSemanticContext.Should().BeTrue();
        manifest.Stories.LatentContext.Should().Be(1, "a folder trained for clean context samples stage 2 shot by shot after the one clean shot it trained with");
        manifest.Stories.CleanLatentContext.Should().BeTrue();
        manifest.Training[ShapesStoryRecipe.IdentityKey].Should().Contain("\"LatentCleanContext\":1").And.Contain("\"SemanticCleanContext\":1");
        PipelineManifest.Read(folder.Path).Stories!.LatentCleanContextTrained.Should().Be(1, "pipeline.json keeps it");
        PipelineManifest.Read(folder.Path).Stories!.SemanticCleanContextTrained.Should().Be(1, "pipeline.json keeps it");
        using var components = PipelineComponents.Load(folder.Path);
        var n = components.Manifest.SemanticGrid.Count;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        using (var cleanPlan = SemanticRollout.Sample(components, text, empty, 2, 3, 2, 3, 1, null, cleanContext: true))
        using (var renoisedPlan = SemanticRollout.Sample(components, text, empty, 2, 3, 2, 3, 1, null))
        {
            cleanPlan.narrow(1, 0, n).equal(renoisedPlan.narrow(1, 0, n)).all().item<bool>().Should().BeTrue("shot 1 has no context either way");
            cleanPlan.narrow(1, n, n).equal(renoisedPlan.narrow(1, n, n)).all().item<bool>().Should().BeFalse("shot 2 sees shot 1 clean");
        }

        // The folder's default sampling of both stages: a request that names none samples as the folder says, --joint as before.
        (manifest with { Stories = manifest.Stories with { SemanticContext = 1, CleanSemanticContext = true } }).Write(folder.Path);
        using (var defaults = PipelineComponents.Load(folder.Path))
        {
            using var byDefault = LongVideoPipeline.Latents(defaults, Prompts, new LongVideoRequest(3, Steps: 2));
            using var named = LongVideoPipeline.Latents(defaults, Prompts,
                new LongVideoRequest(3, Steps: 2, SemanticContext: 1, CleanSemanticContext: true, LatentContext: 1, CleanLatentContext: true));
            using var renoisedStage2 = LongVideoPipeline.Latents(defaults, Prompts, new LongVideoRequest(3, Steps: 2, LatentContext: 1));
            using var joint = LongVideoPipeline.Latents(defaults, Prompts, new LongVideoRequest(3, Steps: 2, Joint: true));
            byDefault.equal(named).all().item<bool>().Should().BeTrue();
            byDefault.equal(renoisedStage2).all().item<bool>().Should().BeFalse("a named latent context is taken as it is, here re-noised");
            byDefault.equal(joint).all().item<bool>().Should().BeFalse("joint sampling ignores the folder's rollout");
        }
        using var clean = LongVideoPipeline.Latents(components, Prompts, new LongVideoRequest(3, Steps: 2, LatentContext: 1, CleanLatentContext: true));
        using var renoised = LongVideoPipeline.Latents(components, Prompts, new LongVideoRequest(3, Steps: 2, LatentContext: 1));
        clean.shape.Should().Equal(renoised.shape);
        clean.isfinite().all().item<bool>().Should().BeTrue();
        var frames = components.Manifest.Video.LatentFrames;
        clean.narrow(2, 0, frames).equal(renoised.narrow(2, 0, frames)).all().item<bool>().Should().BeTrue("shot 1 has no context either way");
        // A few steps from the zero head leave velocities near 0, so the two differ only slightly; they must differ.
        clean.narrow(2, frames, frames).equal(renoised.narrow(2, frames, frames)).all().item<bool>().Should().BeFalse("shot 2 sees shot 1 clean, not re-noised");
    }

    [Fact]
    public void Retraining_story_stage_1_of_a_finished_folder_with_clean_context_updates_its_stories_entry()
    {
        // Re-training a finished stage with other options: drop its stage.* record and the recorded identity from
        // pipeline.json and its checkpoints (they are refused under other options), then re-run. The stories entry must
        // then describe the new stage-1 weights.
        using var folder = trained.Copy();
        ShapesStoryRecipe.Run(Tiny with { SemanticSteps = 1, LatentSteps = 1 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        var finished = PipelineManifest.Read(folder.Path);
        finished.Stories!.SemanticCleanContextTrained.Should().Be(0);
        var training = new Dictionary<string, string>(finished.Training);
        training.Remove("stage.story-semantic");
        training.Remove(ShapesStoryRecipe.IdentityKey);
        (finished with { Training = training }).Write(folder.Path);
        Directory.Delete(Path.Combine(folder.Path, ".work", "story-semantic"), recursive: true);

        var retrain = Tiny with { SemanticSteps = 1, LatentSteps = 1, SemanticCleanContext = 0.5 };
        var missing = () => ShapesStoryRecipe.Run(retrain with { SemanticInitFrom = folder.File("none.safetensors") },
            folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        missing.Should().Throw<FileNotFoundException>().WithMessage($"*--semantic-init-from*{folder.File("none.safetensors")}*does not exist*");
        var storyWeights = folder.File(finished.Stories.SemanticGeneratorFile);
        var again = ShapesStoryRecipe.Run(retrain with { SemanticInitFrom = storyWeights },
            folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        again.Training["stage.story-semantic"].Should().EndWith($"from {finished.Stories.SemanticGeneratorFile}", "it continued the story weights");
        again.Training[ShapesStoryRecipe.IdentityKey].Should().NotContain("SemanticInitFrom", "the path is not part of the identity");
        again.Stories!.SemanticCleanContextTrained.Should().Be(0.5);
        again.Stories.SemanticContext.Should().Be(Tiny.SemanticMaxShots - 1);
        again.Stories.CleanSemanticContext.Should().BeTrue();
        finished.Stories.SemanticContext.Should().BeNull("trained without clean context, it samples jointly");
        PipelineManifest.Read(folder.Path).Stories!.SemanticCleanContextTrained.Should().Be(0.5);
        again.Training["stage.story-latent"].Should().Be(finished.Training["stage.story-latent"], "stage 2 was not re-run");
    }

    [Fact]
    public void Retraining_story_stage_2_starts_from_the_weights_it_is_told_to()
    {
        // As for stage 1: drop stage.story-latent, the recorded identity and the stage's checkpoints, then re-run with
        // --latent-init-from. The init is the story weights shifted by +0.05, so a run that ignored it (starting from the
        // short generator) would land about 0.05 away from it.
        using var folder = trained.Copy();
        ShapesStoryRecipe.Run(Tiny with { SemanticSteps = 1, LatentSteps = 1 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        var finished = PipelineManifest.Read(folder.Path);
        var training = new Dictionary<string, string>(finished.Training);
        training.Remove("stage.story-latent");
        training.Remove(ShapesStoryRecipe.IdentityKey);
        (finished with { Training = training }).Write(folder.Path);
        Directory.Delete(Path.Combine(folder.Path, ".work", "story-latent"), recursive: true);
        var storyWeights = folder.File(finished.Stories!.LatentGeneratorFile);
        var shifted = folder.File("shifted.safetensors");
        using (var source = Weights.TensorSource.Open(storyWeights))
        {
            using var scope = NewDisposeScope();
            Weights.SafetensorsWriter.Write(shifted, source.Keys.Select(k => (k, source.ReadTensor(k, ScalarType.Float32).add(0.05))));
        }

        var retrain = Tiny with { SemanticSteps = 1, LatentSteps = 1 };
        var missing = () => ShapesStoryRecipe.Run(retrain with { LatentInitFrom = folder.File("none.safetensors") },
            folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        missing.Should().Throw<FileNotFoundException>().WithMessage($"*--latent-init-from*{folder.File("none.safetensors")}*does not exist*");
        var again = ShapesStoryRecipe.Run(retrain with { LatentInitFrom = shifted }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        again.Training["stage.story-latent"].Should().EndWith("from shifted.safetensors");
        again.Training[ShapesStoryRecipe.IdentityKey].Should().NotContain("LatentInitFrom", "the path is not part of the identity");
        again.Training["stage.story-semantic"].Should().Be(finished.Training["stage.story-semantic"], "stage 1 was not re-run");
        using var init = Weights.TensorSource.Open(shifted);
        using var result = Weights.TensorSource.Open(storyWeights);
        using var compare = NewDisposeScope();
        result.Keys.Should().BeEquivalentTo(init.Keys);
        var largest = result.Keys.Max(k => result.ReadTensor(k, ScalarType.Float32).sub(init.ReadTensor(k, ScalarType.Float32)).abs().max().item<float>());
        largest.Should().BeLessThan(0.01f, "one AdamW step of 2e-4 (EMA 0.995) stays next to the init");
    }

    [Fact]
    public void The_story_recipe_refuses_an_untrained_folder_and_other_options_with_a_clear_message()
    {
        using var untrained = new TempFolder();
        ShapesV1Recipe.Initialise(untrained.Path, new ShapesV1Options());
        var act = () => ShapesStoryRecipe.Run(Tiny, untrained.Path, cancellationToken: TestContext.Current.CancellationToken);
        act.Should().Throw<ArgumentException>().WithMessage("*not trained yet*recipe shapes-v1*");

        using var folder = trained.Copy();
        ShapesStoryRecipe.Run(Tiny with { SemanticSteps = 1, LatentSteps = 1 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        var other = () => ShapesStoryRecipe.Run(Tiny with { LatentShots = 3 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        other.Should().Throw<ArgumentException>().WithMessage("*other options*");
        var bad = () => ShapesStoryRecipe.Run(Tiny with { LatentShots = 9 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        bad.Should().Throw<ArgumentException>().WithMessage("*--latent-shots*2…3*9*");
    }

    [Fact]
    public void Stage_1_can_train_on_more_stories_from_a_features_only_cache_whose_stories_are_the_shared_caches()
    {
        using var folder = trained.Copy();
        var options = Tiny with { SemanticStories = 5 };
        var messages = new List<string>();
        var manifest = ShapesStoryRecipe.Run(options, folder.Path, new SynchronousProgress<RecipeProgress>(p =>
        {
            if (p.Message is not null) messages.Add(p.Message);
        }), TestContext.Current.CancellationToken);

        messages.Should().Contain(m => m.Contains("semantic features of 5 stories"));
        manifest.Training[ShapesStoryRecipe.IdentityKey].Should().Contain("\"SemanticStories\":5");
        manifest.Training["stage.story-semantic"].Should().StartWith("3 steps");
        using var components = PipelineComponents.Load(folder.Path);
        using var shared = ShapesStoryData.Load(Path.Combine(folder.Path, ".work", ShapesStoryCache.FileName), components);
        var semanticPath = Path.Combine(folder.Path, ".work", ShapesStoryCache.SemanticFileName);
        using var semantic = ShapesStoryData.Load(semanticPath, components);
        shared.HasLatents.Should().BeTrue();
        semantic.HasLatents.Should().BeFalse("stage 1 needs no latents, so the VAE is skipped");
        semantic.Features.shape.Should().Equal(5, 3, 64, 64);
        semantic.Features.narrow(0, 0, 3).allclose(shared.Features, atol: 1e-5).Should().BeTrue("story i is the same story in both caches");
        FluentActions.Invoking(() => semantic.Latents).Should().Throw<InvalidOperationException>()
            .WithMessage($"*{semanticPath}*features only*{ShapesStoryCache.FileName}*");
        using (var file = Weights.SafetensorsFile.Open(semanticPath))
            file.Contains("latents").Should().BeFalse();
        FluentActions.Invoking(() => (Tiny with { SemanticStories = 0 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--semantic-stories*0*");
    }

    [Fact]
    public void The_story_identity_leaves_out_a_semantic_story_count_equal_to_the_caches_and_a_zero_clean_context_so_older_folders_keep_resuming()
    {
        // models/shapes-v1 recorded this identity before the option existed.
        const string recorded = "shapes-v1-stories {\"Seed\":0,\"Stories\":128,\"ShotsPerStory\":8,\"SemanticSteps\":0,\"SemanticBatch\":8,\"SemanticMaxShots\":8,"
            + "\"SemanticLearningRate\":0.0002,\"LatentSteps\":0,\"LatentBatch\":2,\"LatentShots\":3,\"LatentLearningRate\":0.0002,\"TextDropout\":0.1,"
            + "\"EmaDecay\":0.995,\"CheckpointEvery\":0}";
        ShapesStoryRecipe.Identity(new ShapesStoryOptions { SemanticStories = null }).Should().Be(recorded);
        ShapesStoryRecipe.Identity(new ShapesStoryOptions { SemanticStories = 128 }).Should().Be(recorded, "128 is the story cache's own count, what those folders trained on");
        ShapesStoryRecipe.Identity(new ShapesStoryOptions()).Should().Be(recorded.Replace("\"ShotsPerStory\":8,", "\"ShotsPerStory\":8,\"SemanticStories\":1024,"),
            "models/shapes-v1 recorded this");
        ShapesStoryRecipe.Identity(new ShapesStoryOptions { SemanticStories = null, LatentCleanContext = 0.5 })
            .Should().Be(recorded.Replace("\"LatentLearningRate\":0.0002,", "\"LatentLearningRate\":0.0002,\"LatentCleanContext\":0.5,"),
                "a clean-context share is part of what the story latent generator was trained with");
        ShapesStoryRecipe.Identity(new ShapesStoryOptions { SemanticStories = null, SemanticCleanContext = 0.25 })
            .Should().Be(recorded.Replace("\"SemanticLearningRate\":0.0002,", "\"SemanticLearningRate\":0.0002,\"SemanticCleanContext\":0.25,"));
        FluentActions.Invoking(() => new ShapesStoryOptions { LatentCleanContext = 1.5 }.Validate()).Should().Throw<ArgumentException>()
            .WithMessage("*--latent-clean-context*[0, 1]*1.5*");
        FluentActions.Invoking(() => new ShapesStoryOptions { SemanticCleanContext = -0.1 }.Validate()).Should().Throw<ArgumentException>()
            .WithMessage("*--semantic-clean-context*[0, 1]*-0.1*");
    }

    [Fact]
    public void Story_batches_hold_consecutive_shots_of_one_story_and_are_a_pure_function_of_the_position()
    {
        using var folder = trained.Copy();
        using var components = PipelineComponents.Load(folder.Path);
        var cache = ShapesStoryCache.Ensure(Path.Combine(folder.Path, ".work", ShapesStoryCache.FileName), components, 0, 2, 3, null, null,
            TestContext.Current.CancellationToken);
        using var data = ShapesStoryData.Load(cache, components);
        data.Latents.shape.Should().Equal(2, 3, 16, 13, 8, 8);
        data.Features.shape.Should().Equal(2, 3, 64, 64);

        var windows = data.Windows(7, 5, 4, 2);
        data.Windows(7, 5, 4, 2).Should().Equal(windows);
        windows.Should().OnlyContain(w => w.Shots == 2 && w.First + 2 <= 3);
        using var latents = data.LatentsOf(windows);
        latents.shape.Should().Equal(4, 16, 26, 8, 8);
        using var second = data.Latents[windows[1].Story, windows[1].First + 1];                 // (z, T, h, w)
        latents[1].narrow(1, 13, 13).eq(second).all().item<bool>().Should().BeTrue("shot k + 1 follows shot k in time");
        using var features = data.FeaturesOf(windows);
        features.shape.Should().Equal(4, 128, 64);
        using var rng = new Generator(1);
        using var text = data.TextOf(windows, 0, rng);
        text.shape.Should().Equal(4, 2 * 32, 64);

        ShapesStoryStages.SemanticShots(0, 8).Should().Be(2);
        Enumerable.Range(0, 7).Select(p => ShapesStoryStages.SemanticShots(p, 8)).Should().Equal(2, 3, 4, 5, 6, 7, 8);
    }
}
