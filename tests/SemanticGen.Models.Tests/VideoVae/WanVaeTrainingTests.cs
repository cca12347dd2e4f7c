using SemanticGen.Models.VideoVae;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

public sealed class WanVaeTrainingTests
{
    [Fact]
    public void A_few_AdamW_steps_on_reconstruction_plus_KL_reduce_the_loss()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new WanVae(new WanVaeConfig { BaseDim = 8, ZDim = 4, DimMult = [1, 2, 2, 2], NumResBlocks = 1, LatentsMean = [0, 0, 0, 0], LatentsStd = [1, 1, 1, 1] });
        model.train();
        var clip = VaeFixture.Clip(1, 5, 16, 16, seed: 2);
        using var optimizer = optim.AdamW(model.parameters(), lr: 2e-3);
        using var generator = new Generator(3);
        using var klWeight = 1e-4.ToScalar();

        var losses = new List<float>();
        for (var step = 0; step < 8; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            using var posterior = model.EncodeUnchunked(clip);
            var z = posterior.Sample(generator);
            var reconstruction = model.DecodeUnchunked(z, clamp: false);
            var loss = nn.functional.mse_loss(reconstruction, clip).add(posterior.Kl().mean().mul(klWeight));
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        TestContext.Current.TestOutputHelper!.WriteLine(string.Join(", ", losses.Select(l => l.ToString("0.0000"))));
        losses.Should().AllSatisfy(l => float.IsFinite(l).Should().BeTrue());
        losses[^1].Should().BeLessThan(losses[0] * 0.9f);
        model.parameters().Count(p => !ReferenceEquals(p.grad, null) && p.grad.abs().sum().item<float>() > 0).Should().BePositive();
    }
}
