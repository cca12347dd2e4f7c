using SemanticGen.Data.ShapesWorld;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class OffPaletteColoursTests
{
    [Fact]
    public void Draws_are_bright_varied_and_never_read_as_a_held_out_composition()
    {
        var colours = new HashSet<Rgb>();
        var stream = 0L;
        foreach (var composition in ShapesSplit.Train)
        {
            for (var i = 0; i < 20; i++)
            {
                var random = SplitMix64.ForStream(7, stream++);
                var colour = OffPaletteColours.Draw(ref random, composition);
                colour.Luma.Should().BeGreaterThanOrEqualTo(OffPaletteColours.MinLuma);
                var reading = composition with { Colour = ShapeColour.NearestTo(colour.R, colour.G, colour.B) };
                ShapesSplit.IsHeldOut(reading).Should().BeFalse($"{colour} on '{composition.Caption}' reads as '{reading.Caption}'");
                colours.Add(colour);
            }
        }

        colours.Count.Should().BeGreaterThan(4000, "draws cover the colour space, not the palette");
        // The rule bites: a triangle is never drawn yellowish, while a square sometimes is.
        var triangle = ShapesSplit.Train.First(c => c.Shape == ShapeKind.Triangle);
        var square = ShapesSplit.Train.First(c => c.Shape == ShapeKind.Square);
        Readings(triangle).Should().NotContain(ShapeColour.Yellow);
        Readings(square).Should().Contain(ShapeColour.Yellow);
    }

    [Fact]
    public void The_same_stream_gives_the_same_colour()
    {
        var composition = ShapesSplit.Train[5];
        var a = SplitMix64.ForStream(3, 11);
        var b = SplitMix64.ForStream(3, 11);
        OffPaletteColours.Draw(ref a, composition).Should().Be(OffPaletteColours.Draw(ref b, composition));
    }

    [Fact]
    public void The_renderer_paints_the_object_the_given_colour_and_leaves_the_rest_as_the_composition_says()
    {
        var renderer = new ShapesRenderer();
        var composition = new ShapesComposition(ShapeColour.Red, ShapeKind.Triangle, ShapeMotion.MovesLeft, ShapeBackground.Navy);
        var start = new CanvasPoint(40, 30);
        var colour = new Rgb(12, 200, 177);
        using var palette = renderer.Render(composition, start);                       // (T, H, W, 3)
        using var recoloured = renderer.Render(composition, start, colour);
        using var sameAsPalette = renderer.Render(composition, start, ShapeColour.Red.Rgb);
        sameAsPalette.equal(palette).all().item<bool>().Should().BeTrue();

        using var mask = ClipPixels.ObjectMask(palette, ShapeBackground.Navy.Rgb);     // (T, H, W)
        using var expected = where(mask.unsqueeze(-1), tensor(new[] { colour.R, colour.G, colour.B }, dtype: ScalarType.Byte), palette);
        recoloured.equal(expected).all().item<bool>().Should().BeTrue();
        mask.any().item<bool>().Should().BeTrue();
    }

    private static HashSet<ShapeColour> Readings(ShapesComposition composition)
    {
        var readings = new HashSet<ShapeColour>();
        for (var i = 0; i < 2000; i++)
        {
            var random = SplitMix64.ForStream(11, i);
            var colour = OffPaletteColours.Draw(ref random, composition);
            readings.Add(ShapeColour.NearestTo(colour.R, colour.G, colour.B));
        }

        return readings;
    }
}
