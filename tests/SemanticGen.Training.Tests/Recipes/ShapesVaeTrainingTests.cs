using SemanticGen.Models.VideoVae;
using SemanticGen.Training.Recipes;
using TorchSharp;

namespace SemanticGen.Training.Tests.Recipes;

public sealed class ShapesVaeTrainingTests
{
    [Fact]
    public void A_batch_is_a_pure_function_of_seed_and_position_shaped_B_3_F_64_64_in_minus_one_to_one()
    {
        var batches = new ShapesVideoBatches(seed: 3, batchSize: 2, frames: 5);
        using var first = batches.Batch(4);
        using var again = new ShapesVideoBatches(seed: 3, batchSize: 2, frames: 5).Batch(4);
        using var next = batches.Batch(5);

        first.shape.Should().Equal(2, 3, 5, 64, 64);
        first.dtype.Should().Be(torch.ScalarType.Float32);
        first.min().item<float>().Should().BeGreaterThanOrEqualTo(-1f);
        first.max().item<float>().Should().BeLessThanOrEqualTo(1f);
        first.allclose(again, rtol: 0, atol: 0).Should().BeTrue();
        first.allclose(next, rtol: 0, atol: 0).Should().BeFalse();

        // Clip i of batch k is clip k·B + i of the source, its first F frames, x / 127.5 − 1.
        var source = new SemanticGen.Data.ShapesWorld.ShapesClipSource(3, SemanticGen.Data.ShapesWorld.ShapesSplitKind.Train);
        using var rendered = source.Render(source.ClipAt(4 * 2 + 1));
        using var expected = rendered.narrow(0, 0, 5).permute(3, 0, 1, 2).to(torch.ScalarType.Float32) / 127.5f - 1f;
        first[1].allclose(expected, rtol: 0, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Recoloured_batches_paint_about_the_asked_fraction_of_objects_off_palette_and_stay_pure_functions_of_seed_and_position()
    {
        var batches = new ShapesVideoBatches(seed: 3, batchSize: 4, frames: 5, recolourFraction: 0.5);
        var recoloured = Enumerable.Range(0, 400).Count(i => batches.ObjectColourOf(i) is not null);
        recoloured.Should().BeInRange(160, 240);
        new ShapesVideoBatches(seed: 3, batchSize: 4, frames: 5).ObjectColourOf(0).Should().BeNull("recolouring is off by default");

        using var batch = batches.Batch(2);
        using var again = new ShapesVideoBatches(seed: 3, batchSize: 4, frames: 5, recolourFraction: 0.5).Batch(2);
        batch.equal(again).all().item<bool>().Should().BeTrue();
        var source = new SemanticGen.Data.ShapesWorld.ShapesClipSource(3, SemanticGen.Data.ShapesWorld.ShapesSplitKind.Train);
        var sawRecoloured = false;
        for (var i = 0; i < 4; i++)
        {
            var index = 2 * 4 + i;
            var colour = batches.ObjectColourOf(index);
            using var rendered = colour is { } c ? source.Render(source.ClipAt(index), c) : source.Render(source.ClipAt(index));
            using var expected = rendered.narrow(0, 0, 5).permute(3, 0, 1, 2).to(torch.ScalarType.Float32) / 127.5f - 1f;
            batch[i].allclose(expected, rtol: 0, atol: 1e-6).Should().BeTrue($"clip {index} is rendered with {(colour?.ToString() ?? "its palette colour")}");
            sawRecoloured |= colour is not null;
        }

        sawRecoloured.Should().BeTrue("this batch holds a recoloured clip, so the comparison covers one");
        FluentActions.Invoking(() => new ShapesVideoBatches(0, 1, 5, recolourFraction: 1.5)).Should().Throw<ArgumentException>().WithMessage("*recolour fraction*1.5*");
        FluentActions.Invoking(() => new ShapesVideoBatches(0, 1, 5, SemanticGen.Data.ShapesWorld.ShapesSplitKind.Holdout, 0.5))
            .Should().Throw<ArgumentException>().WithMessage("*train split*Holdout*");
    }

    [Fact]
    public void Frames_must_be_four_n_plus_one()
    {
        FluentActions.Invoking(() => new ShapesVideoBatches(0, 1, 6)).Should().Throw<ArgumentException>().WithMessage("*4n + 1*");
        FluentActions.Invoking(() => new ShapesVaeOptions { Frames = 6 }.Validate()).Should().Throw<ArgumentException>().WithMessage("--frames must be 4n + 1*");
        FluentActions.Invoking(() => new ShapesVaeOptions { Frames = 53 }.Validate()).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void The_config_hash_ignores_step_counts_but_not_the_recipe()
    {
        var options = new ShapesVaeOptions();
        ShapesVaeTraining.ConfigHash(options with { Steps = 7, CheckpointEvery = 3 }).Should().Be(ShapesVaeTraining.ConfigHash(options));
        ShapesVaeTraining.ConfigHash(options with { LearningRate = 1e-3 }).Should().NotBe(ShapesVaeTraining.ConfigHash(options));
        ShapesVaeTraining.ConfigHash(options with { Frames = 5 }).Should().NotBe(ShapesVaeTraining.ConfigHash(options));
        ShapesVaeTraining.ConfigHash(options with { MaxGradientNorm = 1 }).Should().Be(ShapesVaeTraining.ConfigHash(options), "clipping may be switched on when resuming");
        FluentActions.Invoking(() => (options with { MaxGradientNorm = 0 }).Validate()).Should().Throw<ArgumentException>().WithMessage("--max-grad-norm must be positive*");
        ShapesVaeTraining.ConfigHash(options with { ForegroundWeight = 10 }).Should().NotBe(ShapesVaeTraining.ConfigHash(options));
        FluentActions.Invoking(() => (options with { ForegroundWeight = 0.5 }).Validate()).Should().Throw<ArgumentException>().WithMessage("--foreground-weight must be at least 1, found 0.5");
        FluentActions.Invoking(() => (options with { InitialWeights = "/no/such/vae.safetensors" }).Validate())
            .Should().Throw<ArgumentException>().WithMessage("--init-from: no such file: /no/such/vae.safetensors");
    }

    [Fact]
    public void The_default_options_keep_the_hash_the_shapes_v1_vae_checkpoints_were_written_under()
    {
        // .work/vae/checkpoints/*/state.json of the recipe's VAE stage (seed 0, 9 frames, 5e-4, kl 1e-6, EMA 0.999): options
        // added later must not change it, or that stage could no longer be resumed or continued.
        ShapesVaeTraining.ConfigHash(new ShapesVaeOptions { Frames = 9, LearningRate = 5e-4, EmaDecay = 0.999 }).Should().Be("75f242e9cd6fe87e");
    }

    [Fact]
    public void The_foreground_weight_weighs_object_pixels_in_the_reconstruction_error_and_one_is_the_plain_loss()
    {
        torch.random.manual_seed(2);
        using var vae = new WanVae(ShapesVaeTraining.TinyConfig);
        vae.InitializeForTraining();
        using var video = new ShapesVideoBatches(4, 1, 1).Batch(0);                       // (1, 3, 1, 64, 64)
        using var rng = new torch.Generator(0);
        using var kl = 0.ToScalar();
        using var noGrad = torch.no_grad();
        using var posterior = vae.EncodeUnchunked(video);
        using var reconstruction = vae.DecodeUnchunked(posterior.Mean, clamp: false);

        // By hand: a pixel is the object's when some channel differs from the top-left pixel by more than 0.1.
        var target = video.data<float>().ToArray();
        var output = reconstruction.data<float>().ToArray();
        const int plane = 64 * 64;
        double Expected(double weight)
        {
            double sum = 0, weights = 0;
            for (var i = 0; i < plane; i++)
            {
                var isObject = Enumerable.Range(0, 3).Any(c => Math.Abs(target[c * plane + i] - target[c * plane]) > 0.1);
                var w = isObject ? weight : 1;
                sum += w * Enumerable.Range(0, 3).Average(c => Math.Pow(output[c * plane + i] - target[c * plane + i], 2));
                weights += w;
            }
            return sum / weights;
        }

        using var plain = ShapesVaeTraining.Loss(vae, video, rng, kl);
        using var weighted = ShapesVaeTraining.Loss(vae, video, rng, kl, foregroundWeight: 10);
        plain.item<float>().Should().BeApproximately((float)Expected(1), 1e-5f);
        weighted.item<float>().Should().BeApproximately((float)Expected(10), 1e-5f);
        Expected(10).Should().NotBeApproximately(Expected(1), 1e-4, "the clip must have an object that reconstructs worse than its background");
    }

    [Fact]
    public void A_run_started_from_initial_weights_takes_its_first_step_from_them()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var options = new ShapesVaeOptions { Steps = 2, BatchSize = 1, Frames = 1, CheckpointEvery = 2, EmaDecay = 0 };
        ShapesVaeTraining.Run(options, first.Path, cancellationToken: TestContext.Current.CancellationToken);
        var initial = Path.Combine(first.Path, ShapesVaeTraining.WeightsFile);

        ShapesVaeTraining.Run(options with { Steps = 1, InitialWeights = initial }, second.Path, cancellationToken: TestContext.Current.CancellationToken);

        // Step 1's loss is measured before its update, so it is the loss of the initial weights on batch 0.
        using var loaded = WanVaeWeights.Load(first.Path);
        using var video = new ShapesVideoBatches(options.Seed, 1, 1).Batch(0);
        using var rng = new torch.Generator(0);
        using var kl = options.KlWeight.ToScalar();
        using var noGrad = torch.no_grad();
        using var expected = ShapesVaeTraining.Loss(loaded, video, rng, kl);
        var logged = LossLog.Read(Path.Combine(second.Path, ShapesVaeTraining.LossFile));
        logged.Should().ContainSingle().Which.Loss.Should().BeApproximately(expected.item<float>(), 1e-6);
        LossLog.Read(Path.Combine(first.Path, ShapesVaeTraining.LossFile))[0].Loss.Should().NotBeApproximately(expected.item<float>(), 1e-6, "a fresh run starts elsewhere");
        ShapesVaeTraining.ConfigHash(options with { InitialWeights = initial }).Should().NotBe(ShapesVaeTraining.ConfigHash(options));
    }

    [Fact]
    public void A_run_resumed_with_clipping_switched_on_continues_from_its_checkpoint_and_logs_the_norms_from_then_on()
    {
        using var folder = new TempFolder();
        var options = new ShapesVaeOptions { Steps = 2, BatchSize = 1, Frames = 1, CheckpointEvery = 1, EmaDecay = 0.9 };
        ShapesVaeTraining.Run(options, folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        var resumed = ShapesVaeTraining.Run(options with { Steps = 4, MaxGradientNorm = 1e-3 }, folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        resumed.StartStep.Should().Be(2);
        resumed.FinalStep.Should().Be(4);
        var log = LossLog.Read(Path.Combine(folder.Path, ShapesVaeTraining.LossFile));
        log.Select(e => e.Step).Should().Equal(1, 2, 3, 4);
        log.Take(2).Should().OnlyContain(e => e.GradientNorm == null);
        log.Skip(2).Should().OnlyContain(e => e.GradientNorm > 1e-3, "the logged norm is the one before clipping, above this tiny limit");
    }

    [Fact]
    public void The_training_initialisation_starts_with_a_decoder_that_follows_its_input_and_the_default_one_does_not()
    {
        torch.random.manual_seed(0);
        using var vae = new WanVae(ShapesVaeTraining.TinyConfig);
        using var video = new ShapesVideoBatches(0, 4, 5).Batch(0);                       // (4, 3, 5, 64, 64)
        using var noGrad = torch.no_grad();
        var inputSpread = video.std(0).mean().item<float>();
        float OutputSpread()
        {
            using var scope = torch.NewDisposeScope();
            using var posterior = vae.EncodeUnchunked(video);
            return vae.DecodeUnchunked(posterior.Mean, clamp: false).std(0).mean().item<float>(); // spread across the 4 clips
        }

        vae.InitializeForTraining();
        OutputSpread().Should().BeGreaterThan(0.3f * inputSpread, "He initialisation keeps the clips apart through the network");
        vae.InitializeWeights();
        OutputSpread().Should().BeLessThan(0.15f * inputSpread, "PyTorch's default initialisation nearly collapses them (why training starts from He)");
    }

    [Fact]
    public void Twenty_small_steps_reduce_the_loss_and_export_loadable_ema_weights()
    {
        using var folder = new TempFolder();
        var result = ShapesVaeTraining.Run(new ShapesVaeOptions { Steps = 20, BatchSize = 1, Frames = 5, CheckpointEvery = 20, EmaDecay = 0.9 }, folder.Path,
            cancellationToken: TestContext.Current.CancellationToken);

        result.FinalStep.Should().Be(20);
        var losses = LossLog.Read(Path.Combine(folder.Path, ShapesVaeTraining.LossFile)).Select(e => e.Loss).ToList();
        losses.Should().HaveCount(20);
        losses.TakeLast(3).Average().Should().BeLessThan(0.7 * losses.Take(3).Average(), string.Join(", ", losses));

        using var loaded = WanVaeWeights.Load(folder.Path);
        loaded.Config.BaseDim.Should().Be(ShapesVaeTraining.TinyConfig.BaseDim);
        loaded.Config.DimMult.Should().Equal(ShapesVaeTraining.TinyConfig.DimMult);
        loaded.Config.ZDim.Should().Be(16);
        double.IsFinite(result.Psnr).Should().BeTrue();
    }
}
