namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>A mean RGB colour measured from pixels (0–255 per channel, not rounded).</summary>
public readonly record struct MeanColour(double R, double G, double B);
