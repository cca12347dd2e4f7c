using System.Text.Json.Nodes;

namespace SemanticGen.Data.ShapesWorld.Scoring;

/// <summary>
/// What the scorer read from a clip: the four attributes (null where no object was found, which never
/// matches a prompt) and the measurements they were decided from.
/// </summary>
/// <param name="Background">Nearest palette background, by majority vote over frames.</param>
/// <param name="Colour">Nearest palette colour to <paramref name="ObjectColour"/>; null when no pixel stands out from the background.</param>
/// <param name="Shape">Shape with the nearest fill ratio; null when no frame has a pixel with alpha &gt; 0.5.</param>
/// <param name="Motion">Motion read from the centroid displacement; null when no frame has the object.</param>
/// <param name="Frames">Frames analysed.</param>
/// <param name="FramesWithObject">Frames with at least one pixel of alpha &gt; 0.5.</param>
/// <param name="ObjectColour">Mean colour of the pixels farthest from the background.</param>
/// <param name="FillRatio">Mean over frames with the object of sum(alpha) / bounding-box area.</param>
/// <param name="Displacement">Centroid displacement (px, y downward) from the first to the last frames with the object.</param>
public sealed record ShapesDetection(
    ShapeBackground Background,
    ShapeColour? Colour,
    ShapeKind? Shape,
    ShapeMotion? Motion,
    int Frames,
    int FramesWithObject,
    MeanColour? ObjectColour,
    double? FillRatio,
    CanvasPoint? Displacement)
{
    /// <summary>
    /// JSON of the detection: <c>{"colour", "shape", "motion", "background"}</c> as caption words (null when
    /// not found) and <c>"measurements"</c>.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["colour"] = Colour?.Word,
        ["shape"] = Shape?.Word,
        ["motion"] = Motion?.Word,
        ["background"] = Background.Word,
        ["measurements"] = new JsonObject
        {
            ["frames"] = Frames,
            ["framesWithObject"] = FramesWithObject,
            ["objectColour"] = ObjectColour is { } c ? new JsonArray(Round(c.R), Round(c.G), Round(c.B)) : null,
            ["fillRatio"] = FillRatio is { } f ? Round(f) : null,
            ["displacement"] = Displacement is { } d ? new JsonObject { ["x"] = Round(d.X), ["y"] = Round(d.Y) } : null,
        },
    };

    private static double Round(double value) => Math.Round(value, 3);
}
