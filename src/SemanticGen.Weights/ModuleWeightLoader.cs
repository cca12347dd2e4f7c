using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>
/// Copies checkpoint tensors into a TorchSharp module's parameters and persistent buffers, matched by the names
/// <c>named_parameters()</c> / <c>named_buffers()</c> give (field names, as registered by RegisterComponents).
/// </summary>
public static class ModuleWeightLoader
{
    /// <summary>
    /// Loads <paramref name="source"/> into <paramref name="module"/>. Every name, shape and dtype is checked from
    /// the headers first; then each matched tensor is read, converted to its destination's dtype and device, copied
    /// under no_grad and freed before the next, so peak memory is one tensor. Only matched tensors' bytes are read.
    /// </summary>
    /// <exception cref="WeightLoadException">
    /// Shapes or dtype kinds differ, two keys map to one entry, or (when <see cref="WeightLoadOptions.Strict"/>)
    /// entries are missing or keys unexpected. Nothing has been copied when it is thrown.
    /// </exception>
    public static WeightLoadReport Load(torch.nn.Module module, ITensorSource source, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        options ??= WeightLoadOptions.Default;

        var plan = WeightLoadPlan.Create(Destinations(module), source, options.StripPrefixes);
        var strictFailure = options.Strict && (plan.Missing.Count > 0 || plan.Unexpected.Count > 0);
        if (plan.Mismatches.Count > 0 || strictFailure)
        {
            throw new WeightLoadException(source.Path,
                options.Strict ? plan.Missing : [],
                options.Strict ? plan.Unexpected : [],
                plan.Mismatches);
        }

        var conversions = new List<DtypeConversion>();
        using (torch.no_grad())
        {
            foreach (var copy in plan.Copies)
            {
                using var scope = torch.NewDisposeScope();
                var stored = source.ReadTensor(copy.Key);
                // copy_ converts dtype and device in one step and keeps the parameter object (and optimizer refs).
                copy.Destination.copy_(stored);
                if (stored.dtype != copy.Destination.dtype)
                {
                    conversions.Add(new DtypeConversion(copy.Name, copy.Stored, copy.Destination.dtype));
                }
            }
        }
        return new WeightLoadReport(plan.Copies.Select(c => c.Name).ToList(), plan.Missing, plan.Unexpected, plan.Skipped, conversions);
    }

    private static Dictionary<string, torch.Tensor> Destinations(torch.nn.Module module)
    {
        var destinations = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            destinations[name] = parameter;
        }
        // Non-persistent buffers are not part of a state dict (PyTorch's rule), so checkpoints do not hold them.
        foreach (var (name, buffer) in module.named_buffers(recurse: true, include_nonpersistent: false))
        {
            destinations.TryAdd(name, buffer);
        }
        return destinations;
    }
}
