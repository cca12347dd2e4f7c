namespace SemanticGen.Data.ShapesWorld;

/// <summary>A solid background of Shapes World (shapes-world.md, "Rendering": backgrounds).</summary>
public sealed record ShapeBackground(string Word, Rgb Rgb) : ICaptionWord
{
    /// <summary>black (16,16,16).</summary>
    public static readonly ShapeBackground Black = new("black", new Rgb(16, 16, 16));
    /// <summary>gray (64,64,64).</summary>
    public static readonly ShapeBackground Gray = new("gray", new Rgb(64, 64, 64));
    /// <summary>navy (24,32,96).</summary>
    public static readonly ShapeBackground Navy = new("navy", new Rgb(24, 32, 96));

    /// <summary>The three backgrounds in the spec's order.</summary>
    public static IReadOnlyList<ShapeBackground> All { get; } = [Black, Gray, Navy];

    /// <inheritdoc />
    public override string ToString() => Word;
}
