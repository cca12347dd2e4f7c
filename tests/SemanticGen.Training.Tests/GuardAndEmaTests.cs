using SemanticGen.Training;
using TorchSharp;

namespace SemanticGen.Training.Tests;

public sealed class GuardAndEmaTests
{
    [Fact]
    public void A_NaN_loss_stops_the_loop_before_the_optimizer_step()
    {
        using var folder = new TempFolder();
        using var model = TinyMlp.Create(1);
        var before = TinyMlp.Snapshot(model);
        using var loop = new TrainingLoop(TinyMlp.Options(folder.Path, 5), model, TinyMlp.Optimizer, (position, rng) =>
        {
            using var nan = double.NaN.ToScalar();
            return TinyMlp.Loss(model, position, rng).mul(nan);
        });

        var run = () => loop.Run(TestContext.Current.CancellationToken);

        var error = run.Should().Throw<NonFiniteLossException>().WithMessage("Step 1: the loss is NaN*").Which;
        error.ParameterName.Should().BeNull();
        foreach (var (name, parameter) in model.named_parameters())
        {
            Bitwise.Equal(parameter, before[name]).Should().BeTrue($"{name} must be unchanged");
        }
        Directory.GetDirectories(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void An_infinite_gradient_is_named_and_stops_before_the_optimizer_step()
    {
        using var folder = new TempFolder();
        using var model = TinyMlp.Create(1);
        var before = TinyMlp.Snapshot(model);
        var bias = model.named_parameters().Single(p => p.name == "fc2.bias").parameter;
        using var loop = new TrainingLoop(TinyMlp.Options(folder.Path, 5), model, TinyMlp.Optimizer, (position, rng) =>
        {
            using var one = 1.ToScalar();
            // sqrt(b − b) is 0 (finite) but its gradient is 1/(2·√0) = inf, only for fc2.bias.
            var spike = bias.add(bias.detach().neg(), one).sum().sqrt();
            return TinyMlp.Loss(model, position, rng).add(spike, one);
        });

        var run = () => loop.Run(TestContext.Current.CancellationToken);

        var error = run.Should().Throw<NonFiniteLossException>().Which;
        error.ParameterName.Should().Be("fc2.bias");
        error.Step.Should().Be(1);
        double.IsFinite(error.Loss).Should().BeTrue();
        error.Message.Should().Contain("fc2.bias").And.Contain("Step 1");
        foreach (var (name, parameter) in model.named_parameters())
        {
            Bitwise.Equal(parameter, before[name]).Should().BeTrue($"{name} must be unchanged");
        }
    }

    [Fact]
    public void The_EMA_follows_the_hand_computed_average_and_copies_back()
    {
        using var model = torch.nn.Linear(2, 1, dtype: torch.ScalarType.Float64);
        using (torch.no_grad())
        {
            model.weight!.copy_(torch.tensor(new[] { 1.0, 2.0 }).reshape(1, 2));
            model.bias!.copy_(torch.tensor(new[] { -4.0 }));
        }
        using var ema = new ExponentialMovingAverage(model);
        using (torch.no_grad())
        {
            model.weight!.copy_(torch.tensor(new[] { 3.0, -2.0 }).reshape(1, 2));
            model.bias!.copy_(torch.tensor(new[] { 6.0 }));
        }

        ema.Update(model, 0.9);
        ema.Update(model, 0.5);

        // shadow after two updates: 0.5·(0.9·start + 0.1·target) + 0.5·target, e.g. w₀: 0.5·1.2 + 1.5 = 2.1.
        double Twice(double start, double target) => 0.5 * (0.9 * start + 0.1 * target) + 0.5 * target;
        ema["weight"].data<double>().ToArray().Should().Equal(new[] { Twice(1, 3), Twice(2, -2) }, (a, b) => Math.Abs(a - b) < 1e-12);
        ema["bias"].data<double>().ToArray()[0].Should().BeApproximately(Twice(-4, 6), 1e-12);
        Twice(1, 3).Should().BeApproximately(2.1, 1e-12);

        ema.CopyTo(model);
        model.weight!.data<double>().ToArray().Should().Equal(ema["weight"].data<double>().ToArray());
        model.bias!.data<double>().ToArray()[0].Should().Be(ema["bias"].data<double>().ToArray()[0]);
    }

    [Fact]
    public void Invalid_options_are_refused_at_start()
    {
        using var model = TinyMlp.Create(1);
        var create = () => new TrainingLoop(TinyMlp.Options("x", 10) with { EmaDecay = 1.5 }, model, TinyMlp.Optimizer, (p, r) => TinyMlp.Loss(model, p, r));
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*EmaDecay*");
    }
}
