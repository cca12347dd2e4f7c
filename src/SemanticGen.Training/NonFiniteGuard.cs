using TorchSharp;

namespace SemanticGen.Training;

/// <summary>Checks a step's loss and gradients before <c>optimizer.step()</c>.</summary>
public static class NonFiniteGuard
{
    /// <summary>Returns the loss as a double, or throws when it is NaN or infinite.</summary>
    /// <exception cref="NonFiniteLossException">The loss is not finite.</exception>
    public static double CheckLoss(long step, torch.Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.numel() != 1)
        {
            throw new ArgumentException($"Step {step}: the loss must be a single value, found shape [{string.Join(", ", loss.shape)}].", nameof(loss));
        }
        var value = loss.detach().cpu().to_type(torch.ScalarType.Float64).item<double>();
        if (!double.IsFinite(value))
        {
            throw new NonFiniteLossException(step, value, parameterName: null);
        }
        return value;
    }

    /// <summary>Throws naming the first parameter whose gradient holds a NaN or infinity.</summary>
    /// <exception cref="NonFiniteLossException">A gradient is not finite.</exception>
    public static void CheckGradients(long step, double loss, torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = torch.NewDisposeScope();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }
            if (!torch.isfinite(grad).all().item<bool>())
            {
                throw new NonFiniteLossException(step, loss, name);
            }
        }
    }
}
