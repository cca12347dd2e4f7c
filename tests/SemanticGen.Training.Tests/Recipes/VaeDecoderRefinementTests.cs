using SemanticGen.Models.VideoVae;
using SemanticGen.Training.Recipes;
using TorchSharp;

namespace SemanticGen.Training.Tests.Recipes;

public sealed class VaeDecoderRefinementTests
{
    [Fact]
    public void Refining_trains_only_the_decoder_so_latents_stay_the_same_and_reconstructions_improve()
    {
        using var folder = new TempFolder();
        torch.random.manual_seed(0);
        using var vae = new WanVae(ShapesVaeTraining.TinyConfig);
        vae.InitializeForTraining();
        using var video = new ShapesVideoBatches(5, 2, 5).Batch(0);
        var encoderBefore = vae.named_parameters().Where(p => !VaeDecoderRefinement.IsDecoderParameter(p.name)).Select(p => p.parameter.clone()).ToList();
        using var latentsBefore = Latents(vae, video);

        var result = VaeDecoderRefinement.Run(new VaeDecoderRefinementOptions { Steps = 12, BatchSize = 2, Frames = 5, LearningRate = 1e-3, EmaDecay = 0 },
            vae, folder.Path, cancellationToken: TestContext.Current.CancellationToken);

        result.FinalStep.Should().Be(12);
        using var latentsAfter = Latents(vae, video);
        latentsAfter.eq(latentsBefore).all().item<bool>().Should().BeTrue("the encoder is frozen, so cached latents stay valid");
        vae.named_parameters().Where(p => !VaeDecoderRefinement.IsDecoderParameter(p.name)).Select(p => p.parameter)
            .Zip(encoderBefore).Should().OnlyContain(pair => pair.First.eq(pair.Second).all().item<bool>());
        vae.parameters().Should().OnlyContain(p => p.requires_grad, "the frozen parameters are given back trainable");
        var losses = LossLog.Read(Path.Combine(folder.Path, "loss.jsonl")).Select(e => e.Loss).ToList();
        losses.TakeLast(3).Average().Should().BeLessThan(losses.Take(3).Average(), string.Join(", ", losses));
        foreach (var t in encoderBefore) t.Dispose();
    }

    [Fact]
    public void The_rate_follows_a_cosine_from_the_peak_to_zero()
    {
        VaeDecoderRefinement.CosineRate(2e-4, 0, 100).Should().Be(2e-4);
        VaeDecoderRefinement.CosineRate(2e-4, 50, 100).Should().BeApproximately(1e-4, 1e-12);
        VaeDecoderRefinement.CosineRate(2e-4, 100, 100).Should().BeApproximately(0, 1e-12);
        VaeDecoderRefinement.IsDecoderParameter("decoder.conv_in.weight").Should().BeTrue();
        VaeDecoderRefinement.IsDecoderParameter("post_quant_conv.bias").Should().BeTrue();
        VaeDecoderRefinement.IsDecoderParameter("encoder.conv_in.weight").Should().BeFalse();
        VaeDecoderRefinement.IsDecoderParameter("quant_conv.weight").Should().BeFalse();
    }

    [Fact]
    public void The_border_weighted_loss_is_mse_at_weight_one_and_counts_edge_errors_more()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros([2, 3, 5, 8, 8]);
        var inside = target.clone();
        inside[.., .., .., 4, 4] = torch.tensor(1f);                                     // an error away from the edge
        var edge = target.clone();
        edge[.., .., .., 0, 4] = torch.tensor(1f);                                       // the same error on the edge ring
        VaeDecoderRefinement.WeightedMse(inside, target, VaeDecoderRefinement.PixelWeights(target, 2, 1, 1)).item<float>()
            .Should().BeApproximately(torch.nn.functional.mse_loss(inside, target).item<float>(), 1e-7f);
        var ringWeights = VaeDecoderRefinement.PixelWeights(target, 2, 10, 1);
        var weightedInside = VaeDecoderRefinement.WeightedMse(inside, target, ringWeights).item<float>();
        var weightedEdge = VaeDecoderRefinement.WeightedMse(edge, target, ringWeights).item<float>();
        weightedEdge.Should().BeApproximately(10 * weightedInside, 1e-6f);
        // 8×8 with a 2-pixel ring: 48 edge pixels of weight 10, 16 inner of weight 1 → Σw = 496 per frame.
        weightedInside.Should().BeApproximately(1f / 496, 1e-7f);
    }

    [Fact]
    public void The_l1_loss_is_the_weighted_mean_absolute_error_and_the_options_pick_it()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros([1, 3, 1, 8, 8]);
        var reconstruction = target.clone();
        reconstruction[0, 0, 0, 4, 4] = torch.tensor(0.6f);                                // one pixel off by 0.6 in one channel of three
        var plain = VaeDecoderRefinement.PixelWeights(target, 2, 1, 1);
        VaeDecoderRefinement.WeightedL1(reconstruction, target, plain).item<float>().Should().BeApproximately(0.2f / 64, 1e-7f);
        VaeDecoderRefinement.WeightedError(DecoderReconstructionLoss.L1, reconstruction, target, plain).item<float>().Should().BeApproximately(0.2f / 64, 1e-7f);
        VaeDecoderRefinement.WeightedError(DecoderReconstructionLoss.Mse, reconstruction, target, plain).item<float>().Should().BeApproximately(0.12f / 64, 1e-7f);
        // The same error on the 2-pixel ring weighted 10: 48·10 + 16 = 496 in the denominator, 10·0.2 in the numerator.
        var onEdge = target.clone();
        onEdge[0, 0, 0, 0, 4] = torch.tensor(0.6f);
        VaeDecoderRefinement.WeightedL1(onEdge, target, VaeDecoderRefinement.PixelWeights(target, 2, 10, 1)).item<float>().Should().BeApproximately(2f / 496, 1e-7f);
        var options = new VaeDecoderRefinementOptions();
        VaeDecoderRefinement.ConfigHash(options with { Loss = DecoderReconstructionLoss.L1 }).Should().Be(VaeDecoderRefinement.ConfigHash(options).Replace("|1|0.0002", "|1|l1|0.0002"));
        FluentActions.Invoking(() => (options with { Loss = (DecoderReconstructionLoss)3 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*decoder loss*mse or l1*3*");
    }

    [Fact]
    public void The_foreground_weight_falls_on_pixels_that_differ_from_the_frame_corner()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.full([1, 3, 2, 8, 8], -0.8f);                                  // a dark background
        target[.., 0, 1, 3..5, 3..5] = torch.tensor(0.9f);                               // frame 1: a 2×2 object, red channel only
        var weights = VaeDecoderRefinement.PixelWeights(target, 2, 1, 5);                 // (1, 1, 2, 8, 8)
        weights.shape.Should().Equal(1, 1, 2, 8, 8);
        weights[0, 0, 0].sum().item<float>().Should().Be(64, "frame 0 has no object");
        weights[0, 0, 1, 3..5, 3..5].eq(5).all().item<bool>().Should().BeTrue();
        weights[0, 0, 1].sum().item<float>().Should().Be(60 + 4 * 5);
        // Border 3 and foreground 5 overlap at an object on the edge: the larger weight wins.
        var onEdge = torch.full([1, 3, 1, 8, 8], -0.8f);
        onEdge[.., .., .., 3, 0] = torch.tensor(0.5f);
        var both = VaeDecoderRefinement.PixelWeights(onEdge, 2, 3, 5);
        both[0, 0, 0, 3, 0].item<float>().Should().Be(5);
        both[0, 0, 0, 4, 0].item<float>().Should().Be(3);
        both[0, 0, 0, 4, 4].item<float>().Should().Be(1);
    }

    [Fact]
    public void The_checkpoint_identity_holds_the_step_count_and_the_foreground_and_recolour_options_only_when_they_are_set()
    {
        var plain = new VaeDecoderRefinementOptions();
        VaeDecoderRefinement.ConfigHash(plain).Should().Be("vae-decoder-refinement-v3|steps1000|1|49|2|1|0.0002|0|0.995");
        // The cosine rate depends on the step count, so resuming under another count must be refused, not continued.
        VaeDecoderRefinement.ConfigHash(plain with { Steps = 1800 }).Should().NotBe(VaeDecoderRefinement.ConfigHash(plain));
        VaeDecoderRefinement.ConfigHash(plain with { ForegroundWeight = 4 }).Should().NotBe(VaeDecoderRefinement.ConfigHash(plain));
        VaeDecoderRefinement.ConfigHash(plain with { RecolourFraction = 0.5 }).Should().NotBe(VaeDecoderRefinement.ConfigHash(plain));
        VaeDecoderRefinement.ConfigHash(plain with { ForegroundWeight = 4, RecolourFraction = 0.5 })
            .Should().NotBe(VaeDecoderRefinement.ConfigHash(plain with { ForegroundWeight = 4 }));
        FluentActions.Invoking(() => (plain with { RecolourFraction = -0.1 }).Validate()).Should().Throw<ArgumentException>().WithMessage("*recolour fraction*-0.1*");
    }

    private static torch.Tensor Latents(WanVae vae, torch.Tensor video)
    {
        using var noGrad = torch.no_grad();
        using var posterior = vae.EncodeUnchunked(video);
        return posterior.Mean.clone();
    }
}
