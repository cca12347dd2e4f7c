using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;

namespace SemanticGen.Data.Tests.ShapesWorld.Scoring;

public sealed class ShapesAccuracyTests
{
    private static readonly ShapesComposition Prompt =
        new(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray);

    private static ShapesScore Scored(ShapeColour? colour, ShapeKind? shape, ShapeMotion? motion, ShapeBackground background) =>
        new(Prompt, new ShapesDetection(background, colour, shape, motion, 49, 49, null, null, null));

    [Fact]
    public void Fractions_are_per_attribute_and_all_correct()
    {
        var scores = new[]
        {
            Scored(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray),   // all right
            Scored(ShapeColour.Blue, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray),  // colour wrong
            Scored(ShapeColour.Red, ShapeKind.Square, ShapeMotion.MovesLeft, ShapeBackground.Gray),    // shape, motion wrong
            Scored(null, null, null, ShapeBackground.Navy),                                            // nothing found
        };
        var accuracy = ShapesAccuracy.Of(scores);
        accuracy.Should().Be(new ShapesAccuracy(4, Colour: 0.5, Shape: 0.5, Motion: 0.5, Background: 0.75, AllCorrect: 0.25));
        accuracy.ToJson().ToJsonString().Should().Be(
            "{\"count\":4,\"colour\":0.5,\"shape\":0.5,\"motion\":0.5,\"background\":0.75,\"allCorrect\":0.25}");
    }

    [Fact]
    public void An_empty_set_has_no_accuracy()
    {
        var empty = () => ShapesAccuracy.Of([]);
        empty.Should().Throw<ArgumentException>();
    }
}
