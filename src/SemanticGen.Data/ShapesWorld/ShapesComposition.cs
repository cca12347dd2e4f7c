namespace SemanticGen.Data.ShapesWorld;

/// <summary>One of the 270 Shapes World compositions: what a caption says (shapes-world.md, "Splits").</summary>
public sealed record ShapesComposition(ShapeColour Colour, ShapeKind Shape, ShapeMotion Motion, ShapeBackground Background)
{
    /// <summary>
    /// All 6 × 3 × 5 × 3 = 270 compositions, ordered colour-major, then shape, motion, background (each in the
    /// spec's order). The order is part of the contract: clip sources index into it.
    /// </summary>
    public static IReadOnlyList<ShapesComposition> All { get; } =
    [
        .. from colour in ShapeColour.All
           from shape in ShapeKind.All
           from motion in ShapeMotion.All
           from background in ShapeBackground.All
           select new ShapesComposition(colour, shape, motion, background),
    ];

    /// <summary>The exact caption, e.g. "a red circle moves right on a gray background".</summary>
    public string Caption => ShapesCaption.Format(this);

    /// <inheritdoc />
    public override string ToString() => Caption;
}
