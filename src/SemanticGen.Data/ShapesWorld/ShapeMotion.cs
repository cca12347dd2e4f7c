namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// A motion of Shapes World (shapes-world.md, "Rendering": motions): a unit direction in image coordinates,
/// where y grows downward, so "moves up" is (0, −1).
/// </summary>
public sealed record ShapeMotion(string Word, int DirectionX, int DirectionY) : ICaptionWord
{
    /// <summary>moves left: (−1, 0).</summary>
    public static readonly ShapeMotion MovesLeft = new("moves left", -1, 0);
    /// <summary>moves right: (+1, 0).</summary>
    public static readonly ShapeMotion MovesRight = new("moves right", 1, 0);
    /// <summary>moves up: (0, −1), towards row 0.</summary>
    public static readonly ShapeMotion MovesUp = new("moves up", 0, -1);
    /// <summary>moves down: (0, +1).</summary>
    public static readonly ShapeMotion MovesDown = new("moves down", 0, 1);
    /// <summary>stays still: no displacement.</summary>
    public static readonly ShapeMotion StaysStill = new("stays still", 0, 0);

    /// <summary>The five motions in the spec's order.</summary>
    public static IReadOnlyList<ShapeMotion> All { get; } = [MovesLeft, MovesRight, MovesUp, MovesDown, StaysStill];

    /// <inheritdoc />
    public override string ToString() => Word;
}
