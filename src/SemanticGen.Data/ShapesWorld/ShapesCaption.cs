using System.Diagnostics.CodeAnalysis;

namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// The caption grammar (shapes-world.md, "Rendering"): <c>a {colour} {shape} {motion} on a {background} background</c>.
/// </summary>
public static class ShapesCaption
{
    /// <summary>The exact caption of <paramref name="composition"/>.</summary>
    public static string Format(ShapesComposition composition)
    {
        ArgumentNullException.ThrowIfNull(composition);
        return $"a {composition.Colour.Word} {composition.Shape.Word} {composition.Motion.Word} on a {composition.Background.Word} background";
    }

    /// <summary>
    /// Parses a caption. Words must be the grammar's, in its order; letter case and extra white space are
    /// forgiven (a prompt typed by hand still parses). On failure <paramref name="error"/> says which part is
    /// wrong, e.g. "unknown colour 'pink' (word 2), expected one of: red, green, …".
    /// </summary>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out ShapesComposition? composition,
        [NotNullWhen(false)] out string? error)
    {
        composition = null;
        var cursor = WordCursor.Of(text ?? "");
        if (cursor.Literal("a", "at the start")
            && cursor.Choice(ShapeColour.All, "colour", out var colour)
            && cursor.Choice(ShapeKind.All, "shape", out var shape)
            && cursor.Choice(ShapeMotion.All, "motion", out var motion)
            && cursor.Literal("on", "after the motion")
            && cursor.Literal("a", "after 'on'")
            && cursor.Choice(ShapeBackground.All, "background", out var background)
            && cursor.Literal("background", "after the background colour")
            && cursor.End("'background'"))
        {
            composition = new ShapesComposition(colour, shape, motion, background);
            error = null;
            return true;
        }

        error = $"not a Shapes World caption ('a {{colour}} {{shape}} {{motion}} on a {{background}} background'): {cursor.Error}";
        return false;
    }

    /// <summary>Parses a caption or throws <see cref="FormatException"/> saying which part is wrong.</summary>
    public static ShapesComposition Parse(string text) =>
        TryParse(text, out var composition, out var error) ? composition : throw new FormatException(error);
}
