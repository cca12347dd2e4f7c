using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// Loads Hugging Face V-JEPA 2 checkpoints into <see cref="VJepa2Model"/>. Only encoder keys are read:
/// <c>encoder.*</c> (VJEPA2Model) or <c>vjepa2.encoder.*</c> (VJEPA2ForVideoClassification). Everything else —
/// <c>predictor.*</c>, <c>pooler.*</c>, <c>classifier.*</c> — is reported in <see cref="WeightLoadReport.Skipped"/>,
/// never read. Loading is strict: a missing or unexpected encoder key, or a shape mismatch, fails before anything is
/// copied, naming each key with its expected and found shape.
/// </summary>
public static class VJepa2Weights
{
    private const string EncoderPrefix = "encoder.";

    /// <summary>The checkpoint prefixes that select encoder tensors, in the order they are tried.</summary>
    public static IReadOnlyList<string> EncoderPrefixes { get; } = [EncoderPrefix, "vjepa2." + EncoderPrefix];

    /// <summary>Opens <paramref name="path"/> (file, index or folder) and loads it; see <see cref="Load(VJepa2Model, ITensorSource)"/>.</summary>
    public static WeightLoadReport Load(VJepa2Model model, string path)
    {
        using var source = TensorSource.Open(path);
        return Load(model, source);
    }

    /// <summary>Copies the encoder tensors of <paramref name="source"/> into <paramref name="model"/> (converting dtype and device).</summary>
    /// <exception cref="WeightLoadException">Missing/unexpected encoder keys or mismatched shapes; names are full checkpoint names.</exception>
    /// <exception cref="InvalidDataException">The checkpoint holds no encoder keys at all (e.g. Meta's original layout).</exception>
    public static WeightLoadReport Load(VJepa2Model model, ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Keys.Any(key => EncoderPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))))
        {
            throw new InvalidDataException(
                $"{source.Path}: no tensor named '{EncoderPrefix}*' or 'vjepa2.{EncoderPrefix}*'; expected a Hugging Face V-JEPA 2 checkpoint " +
                $"(Meta's original layout with fused qkv is not supported). First keys: {string.Join(", ", source.Keys.Take(5))}.");
        }
        try
        {
            // The encoder sub-module's names lack "encoder.", which is exactly what the prefixes strip.
            var options = new WeightLoadOptions { StripPrefixes = EncoderPrefixes };
            var report = ModuleWeightLoader.Load(model.Encoder, source, options);
            // Report module entries by the model's full names (encoder.…), which are the checkpoint keys.
            return report with
            {
                Loaded = report.Loaded.Select(name => EncoderPrefix + name).ToList(),
                Missing = report.Missing.Select(name => EncoderPrefix + name).ToList(),
                Conversions = report.Conversions.Select(c => c with { Name = EncoderPrefix + c.Name }).ToList(),
            };
        }
        catch (WeightLoadException error)
        {
            // The same renaming for the failure.
            throw new WeightLoadException(error.SourcePath,
                error.Missing.Select(name => EncoderPrefix + name).ToList(),
                error.Unexpected,
                error.Mismatches.Select(m => m with { Name = EncoderPrefix + m.Name }).ToList());
        }
    }

    /// <summary>Parameter names and shapes of a model of <paramref name="config"/>, created on the meta device (no memory).</summary>
    public static IReadOnlyDictionary<string, long[]> ExpectedShapes(VJepa2Config config)
    {
        using var model = new VJepa2Model(config, META);
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
    }
}
