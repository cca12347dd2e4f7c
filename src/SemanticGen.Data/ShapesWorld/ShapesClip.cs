namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// A clip descriptor: which composition, and where the object starts. Cheap to hold; render it on demand with
/// <see cref="ShapesRenderer"/>. <paramref name="Index"/> is its position in its <see cref="ShapesClipSource"/>.
/// </summary>
public sealed record ShapesClip(long Index, ShapesComposition Composition, CanvasPoint Start)
{
    /// <summary>The clip's exact caption.</summary>
    public string Caption => Composition.Caption;
}
