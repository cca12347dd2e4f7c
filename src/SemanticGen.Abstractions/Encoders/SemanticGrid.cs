namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// The (t, h, w) layout of semantic tokens: <see cref="T"/> temporal slots, each an <see cref="H"/>×<see cref="W"/>
/// grid; tokens are stored in raster order (t outermost, then h, then w), so N = T·H·W.
/// </summary>
public readonly record struct SemanticGrid(int T, int H, int W)
{
    /// <summary>Number of tokens, T·H·W.</summary>
    public int Count => checked(T * H * W);

    public override string ToString() => $"{T}×{H}×{W}";
}
