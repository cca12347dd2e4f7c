namespace SemanticGen.Data.ShapesWorld;

/// <summary>The train / compositional hold-out split of the 270 compositions (shapes-world.md, "Splits").</summary>
public static class ShapesSplit
{
    /// <summary>
    /// The hold-out rule: (yellow and triangle) or (purple and moves up) or (circle and navy). Each clause
    /// removes a pairing the model never sees in training, so generalisation to it is measurable.
    /// </summary>
    public static bool IsHeldOut(ShapesComposition composition)
    {
        ArgumentNullException.ThrowIfNull(composition);
        return (composition.Colour == ShapeColour.Yellow && composition.Shape == ShapeKind.Triangle)
            || (composition.Colour == ShapeColour.Purple && composition.Motion == ShapeMotion.MovesUp)
            || (composition.Shape == ShapeKind.Circle && composition.Background == ShapeBackground.Navy);
    }

    /// <summary>The training split, in <see cref="ShapesComposition.All"/> order.</summary>
    public static IReadOnlyList<ShapesComposition> Train { get; } = [.. ShapesComposition.All.Where(c => !IsHeldOut(c))];

    /// <summary>The hold-out split, in <see cref="ShapesComposition.All"/> order.</summary>
    public static IReadOnlyList<ShapesComposition> Holdout { get; } = [.. ShapesComposition.All.Where(IsHeldOut)];

    /// <summary>The compositions of <paramref name="split"/>.</summary>
    public static IReadOnlyList<ShapesComposition> Compositions(ShapesSplitKind split) => split switch
    {
        ShapesSplitKind.Train => Train,
        ShapesSplitKind.Holdout => Holdout,
        ShapesSplitKind.All => ShapesComposition.All,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };
}
