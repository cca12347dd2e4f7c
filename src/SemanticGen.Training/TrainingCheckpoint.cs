using System.Text.Json;
using SemanticGen.Weights;
using TorchSharp;

namespace SemanticGen.Training;

/// <summary>
/// Saves and loads one training checkpoint folder: <c>model.safetensors</c> (parameters and persistent buffers),
/// <c>ema.safetensors</c>, <c>optimizer.safetensors</c> (AdamW state per parameter name), <c>rng.safetensors</c>
/// (the generator's state) and <c>state.json</c> (step, data position, learning rates, loss tail, config hash).
/// A save writes into a temporary folder, renames it to <c>step-NNNNNN</c> and only then repoints <c>latest</c>,
/// so a crash at any point leaves <c>latest</c> on the previous complete checkpoint.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>File names inside a checkpoint folder.</summary>
    public const string ModelFile = "model.safetensors", EmaFile = "ema.safetensors", OptimizerFile = "optimizer.safetensors",
        RngFile = "rng.safetensors", StateFile = "state.json";

    private const string RngKey = "generator_state";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes a checkpoint for <paramref name="state"/>.Step under <paramref name="root"/>, repoints <c>latest</c>, prunes to <paramref name="keepLast"/>.</summary>
    /// <returns>The committed folder.</returns>
    public static string Save(string root, TrainingParts parts, CheckpointState state, int keepLast) =>
        Save(root, parts, state, keepLast, afterFileWritten: null);

    /// <summary>As the public overload; <paramref name="afterFileWritten"/> runs after each file (tests simulate crashes with it).</summary>
    internal static string Save(string root, TrainingParts parts, CheckpointState state, int keepLast, Action<string>? afterFileWritten)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var temporary = CheckpointFolder.CreateTemporary(root, state.Step);
        void Written(string file) => afterFileWritten?.Invoke(Path.Combine(temporary, file));

        using (var scope = torch.NewDisposeScope())
        {
            SafetensorsWriter.Write(Path.Combine(temporary, ModelFile), ModelTensors(parts.Model));
            Written(ModelFile);
            SafetensorsWriter.Write(Path.Combine(temporary, EmaFile), parts.Ema.Tensors);
            Written(EmaFile);
            SafetensorsWriter.Write(Path.Combine(temporary, OptimizerFile), AdamWStateTensors.Collect(parts.Model, parts.Optimizer));
            Written(OptimizerFile);
            SafetensorsWriter.Write(Path.Combine(temporary, RngFile), [(RngKey, parts.Generator.get_state())]);
            Written(RngFile);
        }
        AtomicFile.WriteAllText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(state, Json));
        Written(StateFile);

        var final = CheckpointFolder.Commit(root, temporary, state.Step);
        CheckpointFolder.Prune(root, keepLast);
        return final;
    }

    /// <summary>
    /// Loads <paramref name="folder"/> into <paramref name="parts"/> in place (parameters keep their identity, so the
    /// optimizer still refers to them) and returns its scalar state.
    /// </summary>
    /// <exception cref="CheckpointException">
    /// A file is missing or corrupt, names or shapes do not fit, or the checkpoint was written under another config hash.
    /// </exception>
    public static CheckpointState Load(string folder, TrainingParts parts, string expectedConfigHash)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (!Directory.Exists(folder))
        {
            throw new CheckpointException(folder, "the checkpoint folder does not exist.");
        }
        var missing = new[] { ModelFile, EmaFile, OptimizerFile, RngFile, StateFile }
            .Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        if (missing.Count > 0)
        {
            throw new CheckpointException(Path.Combine(folder, missing[0]), $"missing from the checkpoint (all missing: {string.Join(", ", missing)}).");
        }

        var state = ReadState(Path.Combine(folder, StateFile));
        if (state.ConfigHash != expectedConfigHash)
        {
            throw new CheckpointException(Path.Combine(folder, StateFile),
                $"the checkpoint was written for config hash '{state.ConfigHash}', but this run's is '{expectedConfigHash}'.");
        }

        WithFile(Path.Combine(folder, ModelFile), file => ModuleWeightLoader.Load(parts.Model, file));
        WithFile(Path.Combine(folder, EmaFile), file => LoadEma(file, parts.Ema));
        WithFile(Path.Combine(folder, OptimizerFile), file => AdamWStateTensors.Load(file, parts.Model, parts.Optimizer));
        WithFile(Path.Combine(folder, RngFile), file =>
        {
            using var rng = file.ReadTensor(RngKey);
            parts.Generator.set_state(rng);
        });
        ApplyLearningRates(parts, state);
        return state;
    }

    private static IEnumerable<(string Name, torch.Tensor Tensor)> ModelTensors(torch.nn.Module model) =>
        model.named_parameters().Select(p => (p.name, (torch.Tensor)p.parameter))
            .Concat(model.named_buffers(recurse: true, include_nonpersistent: false).Select(b => (b.name, b.buffer)));

    private static CheckpointState ReadState(string path)
    {
        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"not valid checkpoint state JSON ({e.Message}).", e);
        }
        if (state is null || state.LearningRates is null || state.LossTail is null || state.ConfigHash is null)
        {
            throw new CheckpointException(path, "the checkpoint state JSON lacks required fields.");
        }
        if (state.FormatVersion != CheckpointState.CurrentFormatVersion)
        {
            throw new CheckpointException(path, $"format version {state.FormatVersion} is not supported (expected {CheckpointState.CurrentFormatVersion}).");
        }
        return state;
    }

    private static void WithFile(string path, Action<SafetensorsFile> load)
    {
        try
        {
            using var file = SafetensorsFile.Open(path);
            load(file);
        }
        catch (Exception e) when (e is SafetensorsFormatException or WeightLoadException or IOException or KeyNotFoundException)
        {
            throw new CheckpointException(path, e.Message, e);
        }
    }

    private static void LoadEma(SafetensorsFile file, ExponentialMovingAverage ema)
    {
        var problems = new List<string>();
        foreach (var name in ema.Names)
        {
            if (!file.Contains(name))
            {
                problems.Add($"missing tensor '{name}'");
                continue;
            }
            var stored = file.GetInfo(name).Shape.ToArray();
            if (!stored.SequenceEqual(ema[name].shape))
            {
                problems.Add($"'{name}' has shape [{string.Join(", ", stored)}], expected [{string.Join(", ", ema[name].shape)}]");
            }
        }
        problems.AddRange(file.Keys.Except(ema.Names, StringComparer.Ordinal).Select(k => $"unexpected tensor '{k}'"));
        if (problems.Count > 0)
        {
            throw new CheckpointException(file.Path, "the EMA does not fit the model: " + string.Join("; ", problems));
        }
        foreach (var name in ema.Names)
        {
            using var stored = file.ReadTensor(name);
            ema.Load(name, stored);
        }
    }

    private static void ApplyLearningRates(TrainingParts parts, CheckpointState state)
    {
        var groups = parts.Optimizer.ParamGroups.ToList();
        if (groups.Count != state.LearningRates.Count)
        {
            throw new CheckpointException(StateFile, $"the checkpoint has {state.LearningRates.Count} learning rates but the optimizer {groups.Count} parameter groups.");
        }
        for (var i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = state.LearningRates[i];
        }
    }
}
