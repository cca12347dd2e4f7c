namespace SemanticGen.Data.ShapesWorld.Stories;

/// <summary>
/// A Shapes World story (shapes-world.md, "Long videos"): one subject (colour + shape) on one background, and
/// one motion per shot, each shot a full clip played back to back.
/// </summary>
public sealed record ShapesStory
{
    /// <summary>A story of at least one shot.</summary>
    public ShapesStory(ShapeColour colour, ShapeKind shape, ShapeBackground background, IEnumerable<ShapeMotion> motions)
    {
        ArgumentNullException.ThrowIfNull(colour);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(motions);
        ShapeMotion[] copy = [.. motions];
        if (copy.Length == 0)
            throw new ArgumentException("a story needs at least one shot (motion)", nameof(motions));
        if (copy.Any(motion => motion is null))
            throw new ArgumentException("a story's motions cannot be null", nameof(motions));
        (Colour, Shape, Background, Motions) = (colour, shape, background, copy);
    }

    /// <summary>The subject's colour.</summary>
    public ShapeColour Colour { get; }

    /// <summary>The subject's shape.</summary>
    public ShapeKind Shape { get; }

    /// <summary>The background of every shot.</summary>
    public ShapeBackground Background { get; }

    /// <summary>One motion per shot, in order.</summary>
    public IReadOnlyList<ShapeMotion> Motions { get; }

    /// <summary>The composition of each shot, whose caption is the shot's single-clip caption.</summary>
    public IReadOnlyList<ShapesComposition> ShotCompositions =>
        [.. Motions.Select(motion => new ShapesComposition(Colour, Shape, motion, Background))];

    /// <summary>The canonical outline, e.g. "A red circle on a gray background. It moves right, then it stays still."</summary>
    public string Outline => ShapesStoryOutline.Format(this);

    /// <summary>Value equality including the motion sequence.</summary>
    public bool Equals(ShapesStory? other) =>
        other is not null && Colour == other.Colour && Shape == other.Shape && Background == other.Background
        && Motions.SequenceEqual(other.Motions);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Colour);
        hash.Add(Shape);
        hash.Add(Background);
        foreach (var motion in Motions)
            hash.Add(motion);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => Outline;
}
