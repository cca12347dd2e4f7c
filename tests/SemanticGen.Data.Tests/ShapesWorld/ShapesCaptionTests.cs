using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class ShapesCaptionTests
{
    [Fact]
    public void Vocabulary_has_the_spec_words_and_rgb_values()
    {
        ShapeColour.All.Select(c => (c.Word, c.Rgb)).Should().Equal(
            ("red", new Rgb(240, 60, 50)), ("green", new Rgb(60, 200, 80)), ("blue", new Rgb(70, 130, 255)),
            ("yellow", new Rgb(240, 210, 40)), ("white", new Rgb(240, 240, 240)), ("purple", new Rgb(190, 90, 230)));
        ShapeBackground.All.Select(b => (b.Word, b.Rgb)).Should().Equal(
            ("black", new Rgb(16, 16, 16)), ("gray", new Rgb(64, 64, 64)), ("navy", new Rgb(24, 32, 96)));
        ShapeKind.All.Select(s => s.Word).Should().Equal("circle", "square", "triangle");
        ShapeMotion.All.Select(m => m.Word).Should().Equal("moves left", "moves right", "moves up", "moves down", "stays still");
    }

    [Fact]
    public void Every_object_colour_is_much_brighter_than_every_background()
    {
        // shapes-world.md: luma ≥ 112 against ≤ 64, the premise of the luma alpha.
        ShapeColour.All.Should().OnlyContain(c => c.Rgb.Luma >= 112);
        ShapeBackground.All.Should().OnlyContain(b => b.Rgb.Luma <= 64);
    }

    [Fact]
    public void There_are_270_distinct_compositions()
    {
        ShapesComposition.All.Should().HaveCount(270).And.OnlyHaveUniqueItems();
        ShapesComposition.All.Select(c => c.Caption).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Format_follows_the_exact_grammar()
    {
        var composition = new ShapesComposition(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray);
        ShapesCaption.Format(composition).Should().Be("a red circle moves right on a gray background");
        new ShapesComposition(ShapeColour.Purple, ShapeKind.Triangle, ShapeMotion.StaysStill, ShapeBackground.Navy)
            .Caption.Should().Be("a purple triangle stays still on a navy background");
    }

    [Fact]
    public void Every_composition_round_trips_through_its_caption()
    {
        foreach (var composition in ShapesComposition.All)
        {
            var caption = ShapesCaption.Format(composition);
            ShapesCaption.Parse(caption).Should().Be(composition, caption);
        }
    }

    [Fact]
    public void Parse_forgives_case_and_white_space_only()
    {
        ShapesCaption.Parse("  A Red   CIRCLE moves\tright on a gray background ")
            .Should().Be(new ShapesComposition(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray));
    }

    [Theory]
    [InlineData("a pink circle moves right on a gray background", "unknown colour 'pink'", "red, green, blue, yellow, white, purple")]
    [InlineData("a red hexagon moves right on a gray background", "unknown shape 'hexagon'", "circle, square, triangle")]
    [InlineData("a red circle jumps up on a gray background", "unknown motion 'jumps up'", "moves left, moves right, moves up, moves down, stays still")]
    [InlineData("a red circle moves right on a teal background", "unknown background 'teal'", "black, gray, navy")]
    [InlineData("the red circle moves right on a gray background", "expected 'a' at the start, found 'the'", null)]
    [InlineData("a red circle moves right in a gray background", "expected 'on' after the motion, found 'in'", null)]
    [InlineData("a red circle moves right on a gray", "expected 'background' after the background colour, found the end", null)]
    [InlineData("a red circle moves right on a gray background today", "unexpected 'today'", null)]
    [InlineData("a red circle moves right on a", "missing background at the end", "black, gray, navy")]
    [InlineData("", "expected 'a' at the start, found the end", null)]
    public void Parse_errors_say_which_part_is_wrong(string text, string problem, string? expected)
    {
        ShapesCaption.TryParse(text, out var composition, out var error).Should().BeFalse();
        composition.Should().BeNull();
        error.Should().Contain(problem);
        if (expected is not null)
            error.Should().Contain("expected one of: " + expected);

        var parse = () => ShapesCaption.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage($"*{problem}*");
    }
}
