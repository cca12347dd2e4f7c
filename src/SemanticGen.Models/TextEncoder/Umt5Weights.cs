using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.TextEncoder;

/// <summary>
/// Loads Hugging Face <c>UMT5EncoderModel</c> checkpoints. The only key that is not a field path is the tied
/// embedding: <c>shared.weight</c> and <c>encoder.embed_tokens.weight</c> are one tensor (TorchSharp, like PyTorch,
/// lists it once, as <c>shared.weight</c>). A <c>state_dict()</c> dump has both keys, <c>save_pretrained</c> may keep
/// either one; either is accepted, and when both are present <c>encoder.embed_tokens.weight</c> is not read.
/// </summary>
public static class Umt5Weights
{
    public const string SharedKey = "shared.weight";
    public const string TiedKey = "encoder.embed_tokens.weight";

    /// <summary>Builds the model of <c>config.json</c> in <paramref name="folder"/> and loads its safetensors, strictly.</summary>
    public static Umt5EncoderModel FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var model = new Umt5EncoderModel(Umt5Config.FromJson(Path.Combine(folder, "config.json")), device);
        try
        {
            using var source = TensorSource.Open(folder);
            Load(model, source);
            if (dtype != ScalarType.Float32)
                model.to(dtype);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Strict load: every parameter must be in <paramref name="source"/> (the embedding under either key) and every
    /// key must name a parameter; shapes must agree. Checked from the headers before anything is copied; stored
    /// dtypes are converted (bf16 → float32). The report lists the embedding as <c>shared.weight</c>.
    /// </summary>
    /// <exception cref="WeightLoadException">Missing or unexpected keys, or differing shapes.</exception>
    public static WeightLoadReport Load(Umt5EncoderModel model, ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var names = model.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var hasShared = source.Contains(SharedKey);
        var hasTied = source.Contains(TiedKey);
        var missing = names.Where(n => !source.Contains(n) && !(n == SharedKey && hasTied)).ToList();
        var unexpected = source.Keys.Where(k => !names.Contains(k) && k != TiedKey).ToList();
        var embedding = model.get_parameter(SharedKey) ?? throw new InvalidOperationException($"the model has no {SharedKey}.");
        var mismatches = new List<WeightMismatch>();
        foreach (var key in new[] { SharedKey, TiedKey }.Where(source.Contains))
        {
            var stored = source.GetInfo(key).Shape;
            if (!stored.SequenceEqual(embedding.shape))
                mismatches.Add(new WeightMismatch(SharedKey, key, $"shape [{string.Join(", ", stored)}] in the checkpoint, [{string.Join(", ", embedding.shape)}] in the model"));
        }
        if (missing.Count > 0 || unexpected.Count > 0 || mismatches.Count > 0)
            throw new WeightLoadException(source.Path, missing, unexpected, mismatches);

        var loaded = ModuleWeightLoader.Load(model, source, new WeightLoadOptions { Strict = false });
        var report = loaded with { Unexpected = loaded.Unexpected.Where(k => k != TiedKey).ToList() };
        if (hasShared)
            return report;

        // Only the encoder's key is stored: copy it into the one embedding tensor.
        using (no_grad())
        using (var stored = source.ReadTensor(TiedKey))
        {
            embedding.copy_(stored);
        }
        return report with { Loaded = [SharedKey, .. report.Loaded], Missing = report.Missing.Where(n => n != SharedKey).ToList() };
    }

    /// <summary>
    /// The checkpoint's key → shape table of a model of <paramref name="config"/> (a state_dict: the tied embedding
    /// under both keys), built on the meta device (no memory).
    /// </summary>
    public static IReadOnlyDictionary<string, long[]> ExpectedShapes(Umt5Config config)
    {
        using var model = new Umt5EncoderModel(config, META);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        shapes[TiedKey] = shapes[SharedKey];
        return shapes;
    }

    /// <summary>Number of distinct parameters (the tied embedding once), counted on the meta device.</summary>
    public static long ParameterCount(Umt5Config config)
    {
        using var model = new Umt5EncoderModel(config, META);
        return model.parameters().Sum(p => p.numel());
    }
}
