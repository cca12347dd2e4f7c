namespace SemanticGen.Data.ShapesWorld;

/// <summary>Which compositions a data source draws from (shapes-world.md, "Splits").</summary>
public enum ShapesSplitKind
{
    /// <summary>The training split: every composition not held out.</summary>
    Train,
    /// <summary>The compositional hold-out, never trained on.</summary>
    Holdout,
    /// <summary>All 270 compositions.</summary>
    All,
}
