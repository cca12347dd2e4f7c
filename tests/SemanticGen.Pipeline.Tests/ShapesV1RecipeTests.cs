using SemanticGen.Pipeline.Components;
using SemanticGen.Training.Recipes.ShapesV1;
using SemanticGen.Training.Recipes;

namespace SemanticGen.Pipeline.Tests;

/// <summary>The recipe end to end at a few steps per stage (the real stages, real data, tiny step counts).</summary>
public sealed class ShapesV1RecipeTests
{
    private static readonly ShapesV1Options Tiny = new()
    {
        VaeSteps = 2, VaeFrames = 5, EncoderSteps = 2, EncoderBatch = 2, CachedClips = 8,
        LatentSteps = 4, LatentBatch = 2, LatentRefineSteps = 2, SemanticSteps = 3, SemanticBatch = 2, DecoderSteps = 2, CheckpointEvery = 2,
    };

    [Fact]
    public void Every_stage_runs_and_leaves_a_loadable_pipeline_with_measured_statistics_and_a_rerun_does_nothing()
    {
        using var folder = new TempFolder();
        var stages = new List<string>();
        var manifest = ShapesV1Recipe.Run(Tiny, folder.Path, new SynchronousProgress<RecipeProgress>(p =>
        {
            if (stages.Count == 0 || stages[^1] != p.Stage) stages.Add(p.Stage);
        }), TestContext.Current.CancellationToken);

        stages.Should().Equal(ShapesV1Recipe.Stages);
        manifest.Training.Keys.Should().Contain(ShapesV1Recipe.Stages.Select(s => "stage." + s));
        manifest.Vae.LatentsStd.Should().NotEqual(Enumerable.Repeat(1.0, 16), "latents_std is measured on the trained VAE's latents");
        manifest.SemanticStd.Should().HaveCount(8).And.OnlyContain(v => v > 0);
        using (var components = PipelineComponents.Load(folder.Path))
            components.Manifest.Training.Should().ContainKey("stage.semantic");
        manifest.Training["stage.decoder"].Should().Contain("held-out PSNR");

        var before = File.GetLastWriteTimeUtc(folder.File("latent_generator.safetensors"));
        var again = new List<string>();
        ShapesV1Recipe.Run(Tiny, folder.Path, new SynchronousProgress<RecipeProgress>(p => again.Add(p.Stage)), TestContext.Current.CancellationToken);
        again.Should().BeEmpty("every stage is finished");
        File.GetLastWriteTimeUtc(folder.File("latent_generator.safetensors")).Should().Be(before);
    }

    [Fact]
    public void An_interrupted_stage_resumes_to_exactly_the_weights_of_an_uninterrupted_run()
    {
        using var shared = new TempFolder();
        ShapesV1Recipe.Run(Tiny, shared.Path, cancellationToken: TestContext.Current.CancellationToken, until: "cache");
        using var straight = new TempFolder();
        using var interrupted = new TempFolder();
        CopyFolder(shared.Path, straight.Path);
        CopyFolder(shared.Path, interrupted.Path);

        ShapesV1Recipe.Run(Tiny, straight.Path, cancellationToken: TestContext.Current.CancellationToken, until: "latent");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new SynchronousProgress<RecipeProgress>(p =>
        {
            if (p.Stage == "latent" && p.Step?.Step == 3) cancel.Cancel();     // after the checkpoint at step 2
        });
        var stop = () => ShapesV1Recipe.Run(Tiny, interrupted.Path, progress, cancel.Token, until: "latent");
        stop.Should().Throw<OperationCanceledException>();
        File.ReadAllText(Path.Combine(interrupted.Path, PipelineManifest.FileName)).Should().NotContain("stage.latent");

        var resumed = ShapesV1Recipe.Run(Tiny, interrupted.Path, cancellationToken: TestContext.Current.CancellationToken, until: "latent");
        resumed.Training["stage.latent"].Should().Contain("resumed at 2");
        foreach (var file in new[] { "latent_generator.safetensors", "compressor.safetensors" })
            File.ReadAllBytes(Path.Combine(interrupted.Path, file)).Should().Equal(File.ReadAllBytes(Path.Combine(straight.Path, file)), file);
        File.ReadAllLines(Path.Combine(interrupted.Path, ".work", "latent", "loss.jsonl")).Select(LossOf)
            .Should().Equal(File.ReadAllLines(Path.Combine(straight.Path, ".work", "latent", "loss.jsonl")).Select(LossOf));
    }

    [Fact]
    public void Continuing_stage_2_with_the_compressor_frozen_changes_the_latent_generator_alone_and_zero_steps_skip_it()
    {
        using var shared = new TempFolder();
        ShapesV1Recipe.Run(Tiny, shared.Path, cancellationToken: TestContext.Current.CancellationToken, until: "semantic");
        var compressor = File.ReadAllBytes(shared.File("compressor.safetensors"));
        var generator = File.ReadAllBytes(shared.File("latent_generator.safetensors"));
        var semantic = File.ReadAllBytes(shared.File("semantic_generator.safetensors"));
        using var skipped = new TempFolder();
        CopyFolder(shared.Path, skipped.Path);

        var stages = new List<string>();
        var manifest = ShapesV1Recipe.Run(Tiny, shared.Path, new SynchronousProgress<RecipeProgress>(p => stages.Add(p.Stage)),
            TestContext.Current.CancellationToken, until: "latent-refine");

        stages.Should().OnlyContain(s => s == "latent-refine").And.NotBeEmpty();
        manifest.Training["stage.latent-refine"].Should().StartWith("2 steps");
        File.ReadAllBytes(shared.File("compressor.safetensors")).Should().Equal(compressor, "the compressor is frozen, so z_sem and stage 1's targets stay");
        File.ReadAllBytes(shared.File("semantic_generator.safetensors")).Should().Equal(semantic);
        File.ReadAllBytes(shared.File("latent_generator.safetensors")).Should().NotEqual(generator, "the latent generator trains on");
        File.ReadAllLines(Path.Combine(shared.Path, ".work", "latent-refine", "loss.jsonl")).Should().HaveCount(2);

        var none = ShapesV1Recipe.Run(Tiny with { LatentRefineSteps = 0 }, skipped.Path, cancellationToken: TestContext.Current.CancellationToken, until: "latent-refine");
        none.Training.Should().NotContainKey("stage.latent-refine");
        File.ReadAllBytes(skipped.File("latent_generator.safetensors")).Should().Equal(generator);
        FluentActions.Invoking(() => (Tiny with { LatentRefineSteps = -1 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--latent-refine-steps*-1*");
    }

    [Fact]
    public void A_folder_trained_with_other_options_is_refused_with_a_clear_message()
    {
        using var folder = new TempFolder();
        ShapesV1Recipe.Initialise(folder.Path, Tiny);
        var act = () => ShapesV1Recipe.Run(Tiny with { Seed = 1 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        act.Should().Throw<ArgumentException>().WithMessage($"*{folder.Path}*other options*");
        var bad = () => ShapesV1Recipe.Run(Tiny with { TextDropout = 1.5 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);
        bad.Should().Throw<ArgumentException>().WithMessage("*--text-dropout*1.5*");
    }

    [Fact]
    public void The_recipe_identity_leaves_out_the_decoder_options_at_their_neutral_values_so_older_folders_keep_resuming()
    {
        // A folder trained before the decoder options existed recorded this identity (seed 0, the then defaults).
        const string before = "shapes-v1 {\"Seed\":0,\"VaeSteps\":0,\"VaeFrames\":9,\"VaeLearningRate\":0.0005,\"DecoderSteps\":0,\"DecoderLearningRate\":0.0002,"
            + "\"EncoderSteps\":0,\"EncoderBatch\":8,\"EncoderLearningRate\":0.001,\"MaskRatio\":0.75,\"CachedClips\":2048,\"LatentSteps\":0,\"LatentBatch\":8,"
            + "\"LatentLearningRate\":0.0005,\"KlWeight\":0.001,\"SemanticSteps\":0,\"SemanticBatch\":16,\"SemanticLearningRate\":0.0005,\"TextDropout\":0.1,"
            + "\"EmaDecay\":0.999,\"CheckpointEvery\":0}";
        var neutral = new ShapesV1Options { DecoderForegroundWeight = 1, DecoderRecolourFraction = 0 };
        ShapesV1Recipe.RecipeIdentity(neutral).Should().Be(before);
        ShapesV1Recipe.RecipeIdentity(new ShapesV1Options()).Should().Be(before.Replace("\"DecoderLearningRate\":0.0002,",
            "\"DecoderLearningRate\":0.0002,\"DecoderForegroundWeight\":10,\"DecoderRecolourFraction\":0.5,"), "models/shapes-v1 recorded this");
        ShapesV1Recipe.RecipeIdentity(neutral with { LatentRefineSteps = 6000 }).Should().Be(before, "a step count is not part of the identity");
        ShapesV1Recipe.RecipeIdentity(neutral with { DecoderForegroundWeight = 4 }).Should().Contain("\"DecoderForegroundWeight\":4,\"EncoderSteps\"");
        ShapesV1Recipe.RecipeIdentity(neutral with { DecoderLoss = DecoderReconstructionLoss.L1 })
            .Should().Contain("\"DecoderLearningRate\":0.0002,\"DecoderLoss\":\"L1\",\"EncoderSteps\"", "the loss is named, not numbered");
        ShapesV1Recipe.RecipeIdentity(neutral with { VaeMaxGradientNorm = 1 })
            .Should().Contain("\"VaeLearningRate\":0.0005,\"VaeMaxGradientNorm\":1,\"DecoderSteps\"", "clipping is named only when set");
        ShapesV1Recipe.RecipeIdentity(neutral with { VaeForegroundWeight = 10 })
            .Should().Contain("\"VaeLearningRate\":0.0005,\"VaeForegroundWeight\":10,\"DecoderSteps\"", "the VAE's foreground weight is named only when not 1");
        FluentActions.Invoking(() => (Tiny with { VaeForegroundWeight = 0 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--vae-foreground-weight*0*");
        FluentActions.Invoking(() => (Tiny with { VaeMaxGradientNorm = -1 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--vae-max-grad-norm*-1*");
        FluentActions.Invoking(() => (Tiny with { DecoderLoss = (DecoderReconstructionLoss)7 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--decoder-loss*mse or l1*7*");
        FluentActions.Invoking(() => (Tiny with { DecoderForegroundWeight = 0.5 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--decoder-foreground-weight*0.5*");
        FluentActions.Invoking(() => (Tiny with { DecoderRecolourFraction = 2 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*--decoder-recolour*2*");
    }

    private static string LossOf(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("loss").GetRawText();

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to), overwrite: true);
    }
}
