using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>
/// The story-level measures of issue 6 ("Quality, measured") as pure functions of per-shot measurements: subject
/// identity across shots, continuity at shot boundaries and drift between the start and the end of a video.
/// </summary>
public static class LongVideoMetrics
{
    /// <summary>Share of the video at each end that drift compares (15 %).</summary>
    public const double DriftShare = 0.15;

    /// <summary>
    /// Fraction of shots 2…S whose detected colour and shape equal shot 1's (a shot without a detection counts as a
    /// mismatch); 1 for a single shot, 0 when shot 1 has no detection.
    /// </summary>
    public static double IdentityConsistency(IReadOnlyList<ShapesDetection> shots)
    {
        ArgumentNullException.ThrowIfNull(shots);
        if (shots.Count < 2) return 1.0;
        var (colour, shape) = (shots[0].Colour, shots[0].Shape);
        if (colour is null || shape is null) return 0.0;
        return shots.Skip(1).Count(d => d.Colour == colour && d.Shape == shape) / (double)(shots.Count - 1);
    }

    /// <summary>
    /// Fraction of all S shots whose detected colour and shape equal the story's most frequent detected pair (ties: the
    /// pair seen first); shots without a detection count as mismatches, 0 when no shot has one. A diagnostic beside
    /// <see cref="IdentityConsistency"/>: one misdetected shot 1 does not sink a story that is otherwise consistent.
    /// </summary>
    public static double ModalIdentity(IReadOnlyList<ShapesDetection> shots)
    {
        ArgumentNullException.ThrowIfNull(shots);
        var detected = shots.Where(d => d.Colour is not null && d.Shape is not null).Select(d => (d.Colour, d.Shape)).ToList();
        if (detected.Count == 0) return 0.0;
        var modal = detected.GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => detected.IndexOf(g.Key)).First().Key;
        return detected.Count(p => p == modal) / (double)shots.Count;
    }

    /// <summary>
    /// Per boundary s → s + 1, the centroid jump in px between the last frame of shot s and the first frame of shot
    /// s + 1 (<see cref="ShapesScorer.Centroids"/> of each shot); null where either frame has no object.
    /// </summary>
    public static IReadOnlyList<double?> BoundaryJumps(IReadOnlyList<(CanvasPoint? First, CanvasPoint? Last)> shotEnds)
    {
        ArgumentNullException.ThrowIfNull(shotEnds);
        return [.. Enumerable.Range(0, Math.Max(0, shotEnds.Count - 1)).Select(s =>
            shotEnds[s].Last is { } from && shotEnds[s + 1].First is { } to
                ? Math.Sqrt((to.X - from.X) * (to.X - from.X) + (to.Y - from.Y) * (to.Y - from.Y))
                : (double?)null)];
    }

    /// <summary>
    /// Per boundary s → s + 1, how far shot s + 1's first-frame centroid is from where the story's continuity rule
    /// (shapes-world.md, "Long videos"; <see cref="ShapesWorld.Stories.ShapesStoryPlan"/>) puts it given shot s's
    /// last-frame centroid: the end, moved the least distance into shot s + 1's start region
    /// (<paramref name="startRegions"/>[s + 1], in object-centre coordinates), so 0 px wherever the video follows the
    /// rule — 0 where the shot should start where the previous ended, the forced move where its motion would leave the
    /// canvas. <paramref name="centroidOffset"/> is the subject's centroid minus its centre (a triangle's centroid sits
    /// below its bounding-box centre). Null where either frame has no object. A diagnostic beside
    /// <see cref="BoundaryJumps"/>, which rewards never moving.
    /// </summary>
    public static IReadOnlyList<double?> RuleDeviations(IReadOnlyList<(CanvasPoint? First, CanvasPoint? Last)> shotEnds,
        IReadOnlyList<StartRegion> startRegions, CanvasPoint centroidOffset)
    {
        ArgumentNullException.ThrowIfNull(shotEnds);
        ArgumentNullException.ThrowIfNull(startRegions);
        if (startRegions.Count != shotEnds.Count)
            throw new ArgumentException($"one start region per shot: {shotEnds.Count} shots, {startRegions.Count} regions.", nameof(startRegions));
        return [.. Enumerable.Range(0, Math.Max(0, shotEnds.Count - 1)).Select(s =>
        {
            if (shotEnds[s].Last is not { } from || shotEnds[s + 1].First is not { } to) return (double?)null;
            var centre = startRegions[s + 1].Clamp(new CanvasPoint(from.X - centroidOffset.X, from.Y - centroidOffset.Y));
            var (dx, dy) = (to.X - (centre.X + centroidOffset.X), to.Y - (centre.Y + centroidOffset.Y));
            return Math.Sqrt(dx * dx + dy * dy);
        })];
    }

    /// <summary>Δ = |M(first 15 %) − M(last 15 %)| of a per-shot metric: means over the first and last ⌈15 % · S⌉ shots (at least one).</summary>
    public static double Drift(IReadOnlyList<double> perShot, double share = DriftShare)
    {
        ArgumentNullException.ThrowIfNull(perShot);
        if (perShot.Count == 0) return 0.0;
        var k = Math.Max(1, (int)Math.Ceiling(share * perShot.Count - 1e-9));
        return Math.Abs(perShot.Take(k).Average() - perShot.TakeLast(k).Average());
    }

    /// <summary>Median of <paramref name="values"/> (NaN when empty).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
