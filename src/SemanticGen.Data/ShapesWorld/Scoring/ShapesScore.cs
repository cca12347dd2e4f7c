using System.Text.Json.Nodes;

namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>
/// A clip scored against its prompt (shapes-world.md, "Scoring"): correct on an attribute when the detected
/// value equals the prompt's.
/// </summary>
public sealed record ShapesScore(ShapesComposition Prompt, ShapesDetection Detected)
{
    /// <summary>Detected colour equals the prompt's.</summary>
    public bool ColourMatches => Detected.Colour == Prompt.Colour;

    /// <summary>Detected shape equals the prompt's.</summary>
    public bool ShapeMatches => Detected.Shape == Prompt.Shape;

    /// <summary>Detected motion equals the prompt's.</summary>
    public bool MotionMatches => Detected.Motion == Prompt.Motion;

    /// <summary>Detected background equals the prompt's.</summary>
    public bool BackgroundMatches => Detected.Background == Prompt.Background;

    /// <summary>All four attributes are right.</summary>
    public bool AllCorrect => ColourMatches && ShapeMatches && MotionMatches && BackgroundMatches;

    /// <summary>
    /// JSON: <c>{"prompt": caption, "detected": {colour, shape, motion, background, measurements},
    /// "matches": {colour, shape, motion, background}, "allCorrect": bool}</c>.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["prompt"] = Prompt.Caption,
        ["detected"] = Detected.ToJson(),
        ["matches"] = new JsonObject
        {
            ["colour"] = ColourMatches,
            ["shape"] = ShapeMatches,
            ["motion"] = MotionMatches,
            ["background"] = BackgroundMatches,
        },
        ["allCorrect"] = AllCorrect,
    };
}
