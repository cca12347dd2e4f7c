using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;

namespace SemanticGen.Data.Tests.ShapesWorld.Stories;

public sealed class ShapesStoryOutlineTests
{
    [Fact]
    public void Format_follows_the_outline_grammar()
    {
        var story = new ShapesStory(ShapeColour.Red, ShapeKind.Circle, ShapeBackground.Gray,
            [ShapeMotion.MovesRight, ShapeMotion.StaysStill, ShapeMotion.MovesUp]);
        story.Outline.Should().Be("A red circle on a gray background. It moves right, then it stays still, then it moves up.");
        new ShapesStory(ShapeColour.Blue, ShapeKind.Square, ShapeBackground.Navy, [ShapeMotion.MovesDown])
            .Outline.Should().Be("A blue square on a navy background. It moves down.");
    }

    [Fact]
    public void Parse_reads_the_spec_form_with_any_case_and_line_breaks()
    {
        var story = ShapesStoryOutline.Parse("a YELLOW square on a black background.\n  It moves left,\nthen it moves down.");
        story.Should().Be(new ShapesStory(ShapeColour.Yellow, ShapeKind.Square, ShapeBackground.Black,
            [ShapeMotion.MovesLeft, ShapeMotion.MovesDown]));
    }

    [Fact]
    public void Generated_stories_round_trip_through_their_outline()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var story = ShapesStoryGenerator.Generate(seed, 1 + seed % 30);
            ShapesStoryOutline.Parse(story.Outline).Should().Be(story, story.Outline);
        }
    }

    [Fact]
    public void Stories_compare_by_their_motion_sequence()
    {
        var a = new ShapesStory(ShapeColour.Red, ShapeKind.Circle, ShapeBackground.Gray, [ShapeMotion.MovesUp, ShapeMotion.MovesDown]);
        var b = new ShapesStory(ShapeColour.Red, ShapeKind.Circle, ShapeBackground.Gray, [ShapeMotion.MovesUp, ShapeMotion.MovesDown]);
        var c = new ShapesStory(ShapeColour.Red, ShapeKind.Circle, ShapeBackground.Gray, [ShapeMotion.MovesDown, ShapeMotion.MovesUp]);
        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(c);
    }

    [Theory]
    [InlineData("A pink circle on a gray background. It moves up.", "unknown colour 'pink'")]
    [InlineData("A red circle on a gray background. It jumps up.", "unknown motion (shot 1) 'jumps up'")]
    [InlineData("A red circle on a gray background. It moves up, then it flies.", "unknown motion (shot 2) 'flies'")]
    [InlineData("A red circle on a gray background. It moves up", "expected ',' or '.' after shot 1, found the end")]
    [InlineData("A red circle on a gray background. It moves up, it moves down.", "expected 'then' after ','")]
    [InlineData("A red circle on a gray background. It moves up. It moves down.", "unexpected 'It moves down .'")]
    [InlineData("A red circle on a gray background It moves up.", "expected '.' after 'background', found 'It'")]
    [InlineData("A red circle on a gray background.", "expected 'it' to start the shots, found the end")]
    [InlineData("A red circle moves up on a gray background.", "expected 'on' after the shape, found 'moves'")]
    public void Parse_errors_name_the_wrong_part(string text, string problem)
    {
        ShapesStoryOutline.TryParse(text, out var story, out var error).Should().BeFalse();
        story.Should().BeNull();
        error.Should().Contain(problem);
        var parse = () => ShapesStoryOutline.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void A_story_needs_a_shot()
    {
        var empty = () => new ShapesStory(ShapeColour.Red, ShapeKind.Circle, ShapeBackground.Gray, []);
        empty.Should().Throw<ArgumentException>();
    }
}
