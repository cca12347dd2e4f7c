using SemanticGen.Models.TextEncoder;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

public sealed class Umt5TrainingTests
{
    [Fact]
    public void A_few_adam_steps_reduce_a_regression_loss_and_reach_every_parameter()
    {
        manual_seed(3);
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        model.train();
        var generator = new Generator(9);
        using var ids = randint(0, 128, [2, 10], dtype: ScalarType.Int64, generator: generator);
        using var mask = ones([2, 10], dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(7)] = tensor(0L);
        using var target = randn([2, 10, 32], generator: generator);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);

        var losses = new List<float>();
        for (var step = 0; step < 8; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.forward(ids, mask).sub(target).square().mean();
            loss.backward();
            if (step == 0)
            {
                model.named_parameters().Should().OnlyContain(p => !ReferenceEquals(p.parameter.grad, null), "every parameter takes part");
                model.named_parameters().Where(p => !p.name.StartsWith("shared", StringComparison.Ordinal))
                    .Should().OnlyContain(p => p.parameter.grad!.abs().sum().item<float>() > 0f);
            }
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        losses[^1].Should().BeLessThan(losses[0] * 0.8f, string.Join(", ", losses));
    }
}
