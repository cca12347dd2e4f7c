namespace SemanticGen.Data.ShapesWorld.Stories;

/// <summary>
/// One planned shot of a story: a full clip of <paramref name="Composition"/> from <paramref name="Start"/> to
/// <paramref name="End"/>. <paramref name="ContinuityShift"/> is Start − previous shot's End: zero when the
/// previous end is a feasible start, else the least move that keeps this shot inside the margins.
/// </summary>
public sealed record ShapesShot(int Index, ShapesComposition Composition, CanvasPoint Start, CanvasPoint End, CanvasPoint ContinuityShift)
{
    /// <summary>The shot's own single-clip caption.</summary>
    public string Caption => Composition.Caption;
}
