using System.Diagnostics.CodeAnalysis;

namespace SemanticGen.Data.ShapesWorld.Stories;

/// <summary>
/// The story outline grammar (shapes-world.md, "Long videos"):
/// <c>A {colour} {shape} on a {background} background. It {motion}, then it {motion}, then ... .</c>,
/// one shot per motion.
/// </summary>
public static class ShapesStoryOutline
{
    /// <summary>The canonical outline of <paramref name="story"/>.</summary>
    public static string Format(ShapesStory story)
    {
        ArgumentNullException.ThrowIfNull(story);
        var shots = string.Join(", then it ", story.Motions.Select(motion => motion.Word));
        return $"A {story.Colour.Word} {story.Shape.Word} on a {story.Background.Word} background. It {shots}.";
    }

    /// <summary>
    /// Parses an outline. Words and punctuation must follow the grammar; letter case and white space (line
    /// breaks included) are forgiven. On failure <paramref name="error"/> names the wrong part and what was
    /// expected, e.g. "unknown motion 'jumps up' (word 11), expected one of: moves left, …".
    /// </summary>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out ShapesStory? story,
        [NotNullWhen(false)] out string? error)
    {
        story = null;
        var cursor = WordCursor.Of(text ?? "");
        var motions = new List<ShapeMotion>();
        if (cursor.Literal("a", "at the start")
            && cursor.Choice(ShapeColour.All, "colour", out var colour)
            && cursor.Choice(ShapeKind.All, "shape", out var shape)
            && cursor.Literal("on", "after the shape")
            && cursor.Literal("a", "after 'on'")
            && cursor.Choice(ShapeBackground.All, "background", out var background)
            && cursor.Literal("background", "after the background colour")
            && cursor.Literal(".", "after 'background'")
            && cursor.Literal("it", "to start the shots")
            && ReadShots(cursor, motions)
            && cursor.End("the final '.'"))
        {
            story = new ShapesStory(colour, shape, background, motions);
            error = null;
            return true;
        }

        error = $"not a story outline ('A {{colour}} {{shape}} on a {{background}} background. It {{motion}}, then it {{motion}}.'): {cursor.Error}";
        return false;
    }

    /// <summary>Parses an outline or throws <see cref="FormatException"/> naming the wrong part.</summary>
    public static ShapesStory Parse(string text) =>
        TryParse(text, out var story, out var error) ? story : throw new FormatException(error);

    // "{motion}" then any number of ", then it {motion}", then ".".
    private static bool ReadShots(WordCursor cursor, List<ShapeMotion> motions)
    {
        while (true)
        {
            if (!cursor.Choice(ShapeMotion.All, $"motion (shot {motions.Count + 1})", out var motion))
                return false;
            motions.Add(motion);
            if (cursor.TryLiteral("."))
                return true;
            if (!cursor.Literal(",", $"or '.' after shot {motions.Count}")
                || !cursor.Literal("then", "after ','")
                || !cursor.Literal("it", "after 'then'"))
                return false;
        }
    }
}
