namespace SemanticGen.Weights;

/// <summary>A checkpoint tensor that matched a module entry by name but cannot be copied into it.</summary>
/// <param name="Name">The module entry's name.</param>
/// <param name="Key">The checkpoint key, as stored.</param>
/// <param name="Problem">What differs, e.g. "shape: expected [64, 32], found [32, 64]".</param>
public sealed record WeightMismatch(string Name, string Key, string Problem);

/// <summary>
/// A checkpoint that does not fit a module: mismatched shapes or dtype kinds, keys that map to the same entry, or
/// (when strict) missing or unexpected keys. Thrown before anything is copied, listing every problem found.
/// </summary>
public sealed class WeightLoadException : Exception
{
    /// <summary>Creates the exception; the message lists every problem.</summary>
    public WeightLoadException(string sourcePath, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<WeightMismatch> mismatches)
        : base(ComposeMessage(sourcePath, missing, unexpected, mismatches))
    {
        SourcePath = sourcePath;
        Missing = missing;
        Unexpected = unexpected;
        Mismatches = mismatches;
    }

    /// <summary>The checkpoint (file or index) that was being loaded.</summary>
    public string SourcePath { get; }

    /// <summary>Module entries with no checkpoint tensor (reported only when loading strictly).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint keys with no module entry (reported only when loading strictly).</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Name matches that cannot be copied.</summary>
    public IReadOnlyList<WeightMismatch> Mismatches { get; }

    private static string ComposeMessage(string sourcePath, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<WeightMismatch> mismatches)
    {
        var lines = new List<string> { $"{sourcePath}: the checkpoint does not fit the module." };
        if (mismatches.Count > 0)
        {
            lines.Add($"{mismatches.Count} mismatched:");
            lines.AddRange(mismatches.Select(m => m.Key == m.Name ? $"  {m.Name}: {m.Problem}" : $"  {m.Name} (from '{m.Key}'): {m.Problem}"));
        }
        if (missing.Count > 0)
        {
            lines.Add($"{missing.Count} missing from the checkpoint: {string.Join(", ", missing)}");
        }
        if (unexpected.Count > 0)
        {
            lines.Add($"{unexpected.Count} unexpected in the checkpoint: {string.Join(", ", unexpected)}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
