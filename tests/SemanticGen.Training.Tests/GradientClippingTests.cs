using SemanticGen.Training;
using TorchSharp;

namespace SemanticGen.Training.Tests;

public sealed class GradientClippingTests
{
    /// <summary>Fills the gradients of fc1.weight (8×4) and fc2.bias (1) by hand; the other parameters get none.</summary>
    private static (torch.Tensor Weight, torch.Tensor Bias) SetGradients(torch.nn.Module model, float weightValue, float biasValue)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["fc1.weight"].grad = torch.full([8, 4], weightValue);
        parameters["fc2.bias"].grad = torch.full([1], biasValue);
        return (parameters["fc1.weight"].grad!, parameters["fc2.bias"].grad!);
    }

    [Fact]
    public void Gradients_above_the_limit_are_scaled_together_to_it_and_the_norm_before_is_returned()
    {
        using var model = TinyMlp.Create(1);
        SetGradients(model, 0.5f, 4f);                       // ‖g‖ = √(32 · 0.25 + 16) = √24

        var norm = GradientClipping.ClipGlobalNorm(model, 1.0);

        norm.Should().BeApproximately(Math.Sqrt(24), 1e-5);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var scale = 1.0 / Math.Sqrt(24);
        parameters["fc1.weight"].grad!.data<float>().ToArray().Should().AllSatisfy(v => v.Should().BeApproximately((float)(0.5 * scale), 1e-4f));
        parameters["fc2.bias"].grad!.item<float>().Should().BeApproximately((float)(4 * scale), 1e-4f, "one factor for all parameters keeps the direction");
        parameters["fc1.bias"].grad.Should().BeNull("a parameter without a gradient is skipped");
    }

    [Fact]
    public void Gradients_under_the_limit_are_left_as_they_are()
    {
        using var model = TinyMlp.Create(1);
        SetGradients(model, 0.01f, 0.02f);

        var norm = GradientClipping.ClipGlobalNorm(model, 1.0);

        norm.Should().BeApproximately(Math.Sqrt(32 * 1e-4 + 4e-4), 1e-6);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["fc2.bias"].grad!.item<float>().Should().Be(0.02f);
        FluentActions.Invoking(() => GradientClipping.ClipGlobalNorm(model, 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*positive*");
    }

    [Fact]
    public void A_clipping_loop_logs_each_steps_norm_before_clipping_and_a_plain_loop_logs_none()
    {
        using var clippedFolder = new TempFolder();
        using var plainFolder = new TempFolder();
        using var model = TinyMlp.Create(3);
        using var reference = TinyMlp.Create(3);

        // Step 1's gradient norm, by hand, on an identical model with the loop's generator seed.
        double expected;
        using (var rng = new torch.Generator((ulong)TinyMlp.Options(clippedFolder.Path, 1).Seed))
        using (var loss = TinyMlp.Loss(reference, 0, rng))
        {
            loss.backward();
            expected = Math.Sqrt(reference.parameters().Sum(p => p.grad!.pow(2).sum().item<float>()));
        }

        using (var loop = new TrainingLoop(TinyMlp.Options(clippedFolder.Path, 4) with { MaxGradientNorm = 0.05 }, model, TinyMlp.Optimizer, (p, rng) => TinyMlp.Loss(model, p, rng)))
            loop.Run(TestContext.Current.CancellationToken);
        using var plainModel = TinyMlp.Create(3);
        using (var loop = new TrainingLoop(TinyMlp.Options(plainFolder.Path, 2), plainModel, TinyMlp.Optimizer, (p, rng) => TinyMlp.Loss(plainModel, p, rng)))
            loop.Run(TestContext.Current.CancellationToken);

        var clipped = LossLog.Read(Path.Combine(clippedFolder.Path, TrainingOptions.LossLogFileName));
        clipped.Should().HaveCount(4).And.OnlyContain(e => e.GradientNorm > 0);
        expected.Should().BeGreaterThan(0.05, "the limit must bind for this test to mean anything");
        clipped[0].GradientNorm!.Value.Should().BeApproximately(expected, 1e-4 * expected);
        File.ReadAllText(Path.Combine(plainFolder.Path, TrainingOptions.LossLogFileName)).Should().NotContain("grad_norm");
        LossLog.Read(Path.Combine(plainFolder.Path, TrainingOptions.LossLogFileName)).Should().OnlyContain(e => e.GradientNorm == null);
    }

    [Fact]
    public void A_limit_that_is_not_positive_and_finite_is_refused_when_the_loop_starts()
    {
        using var folder = new TempFolder();
        using var model = TinyMlp.Create(1);
        foreach (var bad in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var create = () => new TrainingLoop(TinyMlp.Options(folder.Path, 2) with { MaxGradientNorm = bad }, model, TinyMlp.Optimizer, (p, rng) => TinyMlp.Loss(model, p, rng));
            create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxGradientNorm*");
        }
    }
}
