namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// Random object colours off the six-colour palette, for captionless training of a pixel codec (the VAE decoder): a
/// decoder that only ever sees triangles in five colours learns that triangles are never yellow and paints a yellow
/// one orange; one that sees the whole colour space on every shape learns colour as a continuous quantity. The draw
/// never yields a held-out composition under the scorer's reading: a colour whose nearest palette colour would make
/// the clip's composition held out (<see cref="ShapesSplit.IsHeldOut"/>, e.g. a yellowish triangle) is rejected,
/// so training on these clips still sees no hold-out composition.
/// </summary>
public static class OffPaletteColours
{
    /// <summary>
    /// The least luma drawn: every palette colour is at least this bright (purple, 112.4) and every background at most
    /// 64 (shapes-world.md, "Rendering"), so drawn objects stand out from the background as the palette's do.
    /// </summary>
    public const double MinLuma = 112;

    /// <summary>Rejected draws allowed before giving up; about half of all RGB colours are bright enough, so this is never reached.</summary>
    public const int MaxAttempts = 10_000;

    /// <summary>
    /// A colour uniform over the 8-bit RGB cube restricted to luma ≥ <see cref="MinLuma"/> and to colours that keep
    /// <paramref name="composition"/> (with its colour replaced by their nearest palette colour) in the training split.
    /// Advances <paramref name="random"/>; a pure function of its state.
    /// </summary>
    public static Rgb Draw(ref SplitMix64 random, ShapesComposition composition)
    {
        ArgumentNullException.ThrowIfNull(composition);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var colour = new Rgb((byte)random.NextInt(256), (byte)random.NextInt(256), (byte)random.NextInt(256));
            if (colour.Luma < MinLuma) continue;
            var reading = composition with { Colour = ShapeColour.NearestTo(colour.R, colour.G, colour.B) };
            if (!ShapesSplit.IsHeldOut(reading)) return colour;
        }

        throw new InvalidOperationException($"no off-palette colour keeps '{composition.Caption}' in the training split after {MaxAttempts} draws");
    }
}
