using SemanticGen.Weights;
using TorchSharp;
using TorchSharp.Modules;

namespace SemanticGen.Training;

/// <summary>
/// AdamW's per-parameter state (step, exp_avg, exp_avg_sq, max_exp_avg_sq) as named tensors, keyed by the model's
/// parameter names so a checkpoint does not depend on handle values. TorchSharp's <c>state_dict()</c> returns the
/// live <see cref="AdamW.State"/> objects in parameter-group order; loading copies into them in place.
/// </summary>
internal static class AdamWStateTensors
{
    private const string Separator = "::";

    public static IEnumerable<(string Name, torch.Tensor Tensor)> Collect(torch.nn.Module model, AdamW optimizer)
    {
        foreach (var (name, state) in Pair(model, optimizer))
        {
            yield return ($"{name}{Separator}step", torch.tensor(state.step));
            yield return ($"{name}{Separator}exp_avg", state.exp_avg);
            yield return ($"{name}{Separator}exp_avg_sq", state.exp_avg_sq);
            if (state.max_exp_avg_sq is not null)
            {
                yield return ($"{name}{Separator}max_exp_avg_sq", state.max_exp_avg_sq);
            }
        }
    }

    /// <summary>Checks every key and shape first, then copies; throws naming the file and the first problem.</summary>
    public static void Load(SafetensorsFile file, torch.nn.Module model, AdamW optimizer)
    {
        var pairs = Pair(model, optimizer);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, state) in pairs)
        {
            Expect(file, $"{name}{Separator}step", [], expected, problems);
            Expect(file, $"{name}{Separator}exp_avg", state.exp_avg.shape, expected, problems);
            Expect(file, $"{name}{Separator}exp_avg_sq", state.exp_avg_sq.shape, expected, problems);
            if (state.max_exp_avg_sq is not null)
            {
                Expect(file, $"{name}{Separator}max_exp_avg_sq", state.max_exp_avg_sq.shape, expected, problems);
            }
        }
        problems.AddRange(file.Keys.Where(k => !expected.Contains(k)).Select(k => $"unexpected tensor '{k}'"));
        if (problems.Count > 0)
        {
            throw new CheckpointException(file.Path, "the optimizer state does not fit the optimizer: " + string.Join("; ", problems));
        }

        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var (name, state) in pairs)
            {
                state.step = file.ReadTensor($"{name}{Separator}step").item<long>();
                state.exp_avg.copy_(file.ReadTensor($"{name}{Separator}exp_avg"));
                state.exp_avg_sq.copy_(file.ReadTensor($"{name}{Separator}exp_avg_sq"));
                state.max_exp_avg_sq?.copy_(file.ReadTensor($"{name}{Separator}max_exp_avg_sq"));
            }
        }
    }

    private static void Expect(SafetensorsFile file, string key, long[] shape, HashSet<string> expected, List<string> problems)
    {
        expected.Add(key);
        if (!file.Contains(key))
        {
            problems.Add($"missing tensor '{key}'");
            return;
        }
        var stored = file.GetInfo(key).Shape.ToArray();
        if (!stored.SequenceEqual(shape))
        {
            problems.Add($"'{key}' has shape [{string.Join(", ", stored)}], expected [{string.Join(", ", shape)}]");
        }
    }

    private static List<(string Name, AdamW.State State)> Pair(torch.nn.Module model, AdamW optimizer)
    {
        var names = new Dictionary<IntPtr, string>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            names[parameter.Handle] = name;
        }
        var parameters = optimizer.ParamGroups.Cast<ParamGroup>().SelectMany(g => g.Parameters).ToList();
        var states = optimizer.state_dict().State;
        if (parameters.Count != states.Count)
        {
            throw new InvalidOperationException($"The optimizer lists {parameters.Count} parameters but {states.Count} states.");
        }
        var pairs = new List<(string, AdamW.State)>(parameters.Count);
        for (var i = 0; i < parameters.Count; i++)
        {
            if (!names.TryGetValue(parameters[i].Handle, out var name))
            {
                throw new InvalidOperationException($"Optimizer parameter #{i} is not a parameter of the model.");
            }
            pairs.Add((name, (AdamW.State)states[i]));
        }
        return pairs;
    }
}
