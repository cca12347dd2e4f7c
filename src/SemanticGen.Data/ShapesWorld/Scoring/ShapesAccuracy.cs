using System.Text.Json.Nodes;

namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>
/// Text-following accuracy over a prompt set (shapes-world.md, "Scoring"): the fraction of clips correct on
/// each attribute, and the fraction with all four right.
/// </summary>
public sealed record ShapesAccuracy(int Count, double Colour, double Shape, double Motion, double Background, double AllCorrect)
{
    /// <summary>Aggregates <paramref name="scores"/>; at least one score is required (an empty set has no accuracy).</summary>
    public static ShapesAccuracy Of(IEnumerable<ShapesScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int count = 0, colour = 0, shape = 0, motion = 0, background = 0, all = 0;
        foreach (var score in scores)
        {
            count++;
            colour += score.ColourMatches ? 1 : 0;
            shape += score.ShapeMatches ? 1 : 0;
            motion += score.MotionMatches ? 1 : 0;
            background += score.BackgroundMatches ? 1 : 0;
            all += score.AllCorrect ? 1 : 0;
        }

        if (count == 0)
            throw new ArgumentException("no scores to aggregate", nameof(scores));
        double n = count;
        return new ShapesAccuracy(count, colour / n, shape / n, motion / n, background / n, all / n);
    }

    /// <summary>JSON: <c>{"count", "colour", "shape", "motion", "background", "allCorrect"}</c>, fractions in [0, 1].</summary>
    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["colour"] = Colour,
        ["shape"] = Shape,
        ["motion"] = Motion,
        ["background"] = Background,
        ["allCorrect"] = AllCorrect,
    };
}
