namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// An object shape of Shapes World (shapes-world.md, "Rendering"). <see cref="FillRatio"/> is the share of its
/// d×d bounding box the shape covers, the value the scorer compares against ("Scoring": shape).
/// </summary>
public sealed record ShapeKind(string Word, double FillRatio) : ICaptionWord
{
    /// <summary>A circle of diameter d (fills π/4 ≈ 0.785 of its box).</summary>
    public static readonly ShapeKind Circle = new("circle", 0.785);
    /// <summary>An axis-aligned square of side d (fills its box).</summary>
    public static readonly ShapeKind Square = new("square", 1.0);
    /// <summary>An isosceles triangle pointing up, base d and height d (fills half its box).</summary>
    public static readonly ShapeKind Triangle = new("triangle", 0.5);

    /// <summary>The three shapes in the spec's order.</summary>
    public static IReadOnlyList<ShapeKind> All { get; } = [Circle, Square, Triangle];

    /// <inheritdoc />
    public override string ToString() => Word;
}
