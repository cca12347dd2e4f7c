namespace SemanticGen.Weights;

/// <summary>How <see cref="ModuleWeightLoader"/> matches checkpoint keys to a module's parameters and buffers.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>Strict, no prefix stripping.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>
    /// When true (the default), any module entry the checkpoint lacks, or any selected checkpoint key the module
    /// lacks, fails the load with a <see cref="WeightLoadException"/> listing all of them, before anything is copied.
    /// When false they are only reported. Shape and dtype-kind mismatches always fail.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Selects and renames checkpoint keys, e.g. <c>["model.visual.", "visual."]</c> to load a vision tower out of a
    /// whole VLM checkpoint. Empty (the default): every key is used as it is. Otherwise each key is matched against
    /// the prefixes in order; the first that it starts with is removed and the rest names the module entry. Keys that
    /// start with none of them belong to other modules: they are reported as skipped, never read, and never count as
    /// unexpected. Add <c>""</c> as the last prefix to also accept keys that carry no prefix at all.
    /// </summary>
    public IReadOnlyList<string> StripPrefixes { get; init; } = [];
}
