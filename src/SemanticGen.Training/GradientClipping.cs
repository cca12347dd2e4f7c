using TorchSharp;

namespace SemanticGen.Training;

/// <summary>Global-norm gradient clipping: the gradients of all parameters, seen as one vector, are scaled to a norm of at most a limit.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient of <paramref name="module"/> by min(1, <paramref name="maxNorm"/> / ‖g‖₂), where ‖g‖₂ is the
    /// L2 norm of all gradients together, and returns ‖g‖₂ as it was before scaling. Parameters without a gradient are skipped.
    /// </summary>
    public static double ClipGlobalNorm(torch.nn.Module module, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The gradient norm limit must be positive and finite.");
        var withGradients = module.parameters().Where(p => p.grad is not null).ToList();
        return withGradients.Count == 0 ? 0 : torch.nn.utils.clip_grad_norm_(withGradients, maxNorm);
    }
}
