namespace SemanticGen.Data.ShapesWorld;

/// <summary>An 8-bit sRGB colour of the Shapes World palette.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>BT.601 luma, Y = 0.299R + 0.587G + 0.114B (shapes-world.md, "Scoring": the alpha estimate).</summary>
    public double Luma => 0.299 * R + 0.587 * G + 0.114 * B;

    /// <summary>Euclidean distance in RGB to (<paramref name="r"/>, <paramref name="g"/>, <paramref name="b"/>).</summary>
    public double DistanceTo(double r, double g, double b)
    {
        double dr = R - r, dg = G - g, db = B - b;
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }

    /// <inheritdoc />
    public override string ToString() => $"({R},{G},{B})";
}
