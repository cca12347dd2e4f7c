namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// A continuous position on the canvas in pixels: x to the right, y downward, (0,0) the top-left corner of the
/// top-left pixel, so pixel (col, row) has its centre at (col + 0.5, row + 0.5).
/// </summary>
public readonly record struct CanvasPoint(double X, double Y)
{
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"({X:0.###}, {Y:0.###})");
}
