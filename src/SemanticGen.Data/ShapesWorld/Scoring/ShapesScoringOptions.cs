namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>
/// Thresholds of the pixel-analysis scorer. The first three are the spec's (shapes-world.md, "Scoring");
/// <see cref="MinObjectContrast"/> is this implementation's test for "there is no object at all".
/// </summary>
/// <param name="StillThreshold">Centroid displacement (px) under which the motion is "stays still" (spec: 6).</param>
/// <param name="EndpointFrames">Frames averaged at each end of the clip for the displacement (spec: 5).</param>
/// <param name="AlphaThreshold">Alpha above which a pixel is "object" for the bounding box (spec: 0.5).</param>
/// <param name="MinObjectContrast">
/// RGB distance from the background below which even the most distant pixels are taken as background: no
/// object. Every palette colour is ≥ 130 from every background, so 32 only rejects near-empty clips.
/// </param>
public sealed record ShapesScoringOptions(
    double StillThreshold = 6,
    int EndpointFrames = 5,
    double AlphaThreshold = 0.5,
    double MinObjectContrast = 32)
{
    /// <summary>The spec's thresholds.</summary>
    public static ShapesScoringOptions Default { get; } = new();
}
