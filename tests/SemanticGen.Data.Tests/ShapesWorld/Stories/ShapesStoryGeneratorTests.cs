using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;

namespace SemanticGen.Data.Tests.ShapesWorld.Stories;

public sealed class ShapesStoryGeneratorTests
{
    [Fact]
    public void Same_seed_same_story_and_seeds_differ()
    {
        ShapesStoryGenerator.Generate(7, 30).Should().Be(ShapesStoryGenerator.Generate(7, 30));
        var stories = Enumerable.Range(0, 20).Select(seed => ShapesStoryGenerator.Generate(seed, 30)).ToArray();
        stories.Distinct().Should().HaveCount(20);
        stories[0].Motions.Should().HaveCount(30);
        stories[0].Motions.Distinct().Count().Should().BeGreaterThan(1, "each shot draws its own motion");
    }

    [Theory]
    [InlineData(ShapesSplitKind.Train)]
    [InlineData(ShapesSplitKind.Holdout)]
    public void Every_shot_of_a_split_story_is_in_the_split(ShapesSplitKind split)
    {
        var allowed = ShapesSplit.Compositions(split);
        for (var seed = 0; seed < 60; seed++)
        {
            var story = ShapesStoryGenerator.Generate(seed, 12, split);
            story.ShotCompositions.Should().OnlyContain(c => allowed.Contains(c), story.Outline);
        }
    }

    [Fact]
    public void Shot_compositions_carry_the_fixed_subject_and_background()
    {
        var story = ShapesStoryGenerator.Generate(3, 5);
        story.ShotCompositions.Should().HaveCount(5);
        story.ShotCompositions.Should().OnlyContain(c => c.Colour == story.Colour && c.Shape == story.Shape && c.Background == story.Background);
        story.ShotCompositions.Select(c => c.Motion).Should().Equal(story.Motions);
    }
}
