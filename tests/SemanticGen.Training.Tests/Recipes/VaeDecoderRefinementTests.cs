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
        VaeDecoderRefinement.BorderWeightedMse(inside, target, 2, 1).item<float>()
            .Should().BeApproximately(torch.nn.functional.mse_loss(inside, target).item<float>(), 1e-7f);
        var weightedInside = VaeDecoderRefinement.BorderWeightedMse(inside, target, 2, 10).item<float>();
        var weightedEdge = VaeDecoderRefinement.BorderWeightedMse(edge, target, 2, 10).item<float>();
        weightedEdge.Should().BeApproximately(10 * weightedInside, 1e-6f);
        // 8×8 with a 2-pixel ring: 48 edge pixels of weight 10, 16 inner of weight 1 → Σw = 496.
        weightedInside.Should().BeApproximately(1f / 496, 1e-7f);
    }

    private static torch.Tensor Latents(WanVae vae, torch.Tensor video)
    {
        using var noGrad = torch.no_grad();
        using var posterior = vae.EncodeUnchunked(video);
        return posterior.Mean.clone();
    }
}
