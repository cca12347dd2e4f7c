namespace SemanticGen.Data.ShapesWorld;

/// <summary>An object colour of Shapes World (shapes-world.md, "Rendering": object colours).</summary>
public sealed record ShapeColour(string Word, Rgb Rgb) : ICaptionWord
{
    /// <summary>red (240,60,50).</summary>
    public static readonly ShapeColour Red = new("red", new Rgb(240, 60, 50));
    /// <summary>green (60,200,80).</summary>
    public static readonly ShapeColour Green = new("green", new Rgb(60, 200, 80));
    /// <summary>blue (70,130,255).</summary>
    public static readonly ShapeColour Blue = new("blue", new Rgb(70, 130, 255));
    /// <summary>yellow (240,210,40).</summary>
    public static readonly ShapeColour Yellow = new("yellow", new Rgb(240, 210, 40));
    /// <summary>white (240,240,240).</summary>
    public static readonly ShapeColour White = new("white", new Rgb(240, 240, 240));
    /// <summary>purple (190,90,230).</summary>
    public static readonly ShapeColour Purple = new("purple", new Rgb(190, 90, 230));

    /// <summary>The six colours in the spec's order.</summary>
    public static IReadOnlyList<ShapeColour> All { get; } = [Red, Green, Blue, Yellow, White, Purple];

    /// <summary>The palette colour nearest to (<paramref name="r"/>, <paramref name="g"/>, <paramref name="b"/>) in RGB (the scorer's colour rule; ties go to the earlier colour).</summary>
    public static ShapeColour NearestTo(double r, double g, double b) => All.MinBy(c => c.Rgb.DistanceTo(r, g, b))!;

    /// <inheritdoc />
    public override string ToString() => Word;
}
