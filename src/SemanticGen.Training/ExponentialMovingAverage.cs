using TorchSharp;

namespace SemanticGen.Training;

/// <summary>
/// Shadow copies of a module's parameters, updated as <c>shadow = d·shadow + (1 − d)·p</c> after each optimizer step
/// (the usual EMA of diffusion training, e.g. DiT's <c>update_ema</c>). Owns its tensors; dispose it.
/// </summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> _shadow;

    /// <summary>Starts the average at the module's current parameters (detached clones on the same device).</summary>
    public ExponentialMovingAverage(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _shadow = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                _shadow[name] = parameter.detach().clone().DetachFromDisposeScope();
            }
        }
    }

    /// <summary>
    /// The decay to use after optimizer step <paramref name="step"/> (1-based): <c>min(decay, (1 + step) / (10 + step))</c>,
    /// the warm-up of diffusers' EMAModel, so a short run's average is not dominated by the initial weights
    /// (0.999 over 200 steps would keep 82 % of them). A pure function of the step, so resumed runs agree.
    /// </summary>
    public static double WarmedUpDecay(double decay, long step) => Math.Min(decay, (1.0 + step) / (10.0 + step));

    /// <summary>Parameter names, in <c>named_parameters</c> order.</summary>
    public IReadOnlyList<string> Names => _shadow.Keys.ToList();

    /// <summary>The shadow tensor of one parameter (owned by this object; do not dispose).</summary>
    public torch.Tensor this[string name] => _shadow[name];

    /// <summary>Name → shadow tensor pairs, for saving.</summary>
    public IEnumerable<(string Name, torch.Tensor Tensor)> Tensors => _shadow.Select(kv => (kv.Key, kv.Value));

    /// <summary>Moves every shadow towards the module's parameters: <c>shadow = decay·shadow + (1 − decay)·p</c>.</summary>
    public void Update(torch.nn.Module module, double decay)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(decay >= 0 && decay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The EMA decay must lie in [0, 1].");
        }
        using var d = decay.ToScalar();
        using var rest = (1.0 - decay).ToScalar();
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                var shadow = Shadow(name);
                shadow.mul_(d).add_(parameter, rest);
            }
        }
    }

    /// <summary>Copies the averaged values into the module's parameters (e.g. for evaluation or export).</summary>
    public void CopyTo(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                parameter.copy_(Shadow(name));
            }
        }
    }

    /// <summary>Overwrites one shadow tensor in place (used when loading a checkpoint).</summary>
    internal void Load(string name, torch.Tensor value)
    {
        using (torch.no_grad())
        {
            _shadow[name].copy_(value);
        }
    }

    private torch.Tensor Shadow(string name) =>
        _shadow.TryGetValue(name, out var shadow)
            ? shadow
            : throw new InvalidOperationException($"The EMA has no shadow for parameter '{name}'; it was created from a different module.");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _shadow.Values)
        {
            tensor.Dispose();
        }
        _shadow.Clear();
    }
}
