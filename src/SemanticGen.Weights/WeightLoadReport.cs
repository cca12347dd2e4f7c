using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>A tensor whose stored dtype differed from the module entry it was copied into (e.g. BF16 → float32).</summary>
/// <param name="Name">The module entry's name.</param>
/// <param name="Stored">The dtype in the checkpoint.</param>
/// <param name="Loaded">The module entry's dtype, which the values were converted to.</param>
public sealed record DtypeConversion(string Name, SafetensorsDtype Stored, torch.ScalarType Loaded);

/// <summary>What <see cref="ModuleWeightLoader.Load"/> did.</summary>
/// <param name="Loaded">Module entries (parameters and persistent buffers) that received checkpoint values.</param>
/// <param name="Missing">Module entries the checkpoint has no tensor for (left unchanged).</param>
/// <param name="Unexpected">Selected checkpoint keys, as stored, that match no module entry (not read).</param>
/// <param name="Skipped">Checkpoint keys outside <see cref="WeightLoadOptions.StripPrefixes"/>' selection (not read).</param>
/// <param name="Conversions">Loaded entries whose dtype was converted.</param>
public sealed record WeightLoadReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<DtypeConversion> Conversions)
{
    /// <summary>True when every module entry was loaded and every selected key was used.</summary>
    public bool IsExactMatch => Missing.Count == 0 && Unexpected.Count == 0;
}
