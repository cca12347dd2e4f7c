using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class ShapesSplitTests
{
    // The hold-out rule of shapes-world.md, restated on caption words so it is independent of the library.
    private static bool HeldOutByWords(ShapesComposition c) =>
        (c.Colour.Word == "yellow" && c.Shape.Word == "triangle")
        || (c.Colour.Word == "purple" && c.Motion.Word == "moves up")
        || (c.Shape.Word == "circle" && c.Background.Word == "navy");

    [Fact]
    public void Holdout_size_follows_from_the_rule()
    {
        // Inclusion–exclusion: yellow∧triangle 1·1·5·3 = 15, purple∧up 1·3·1·3 = 9, circle∧navy 6·1·5·1 = 30;
        // only purple∧up∧circle∧navy overlaps (1). 15 + 9 + 30 − 1 = 53.
        ShapesSplit.Holdout.Should().HaveCount(53);
        ShapesSplit.Train.Should().HaveCount(270 - 53);
        ShapesComposition.All.Count(HeldOutByWords).Should().Be(53);
    }

    [Fact]
    public void Splits_partition_all_compositions_by_the_rule()
    {
        ShapesSplit.Holdout.Should().OnlyContain(c => HeldOutByWords(c));
        ShapesSplit.Train.Should().NotContain(c => HeldOutByWords(c));
        // Set equality (records compare by value); FluentAssertions' structural equivalence is needlessly slow here.
        ShapesSplit.Train.Concat(ShapesSplit.Holdout).ToHashSet().SetEquals(ShapesComposition.All).Should().BeTrue();
        ShapesSplit.Train.Intersect(ShapesSplit.Holdout).Should().BeEmpty();
        ShapesComposition.All.Should().OnlyContain(c => ShapesSplit.IsHeldOut(c) == HeldOutByWords(c));
    }

    [Fact]
    public void Compositions_by_kind_return_the_lists()
    {
        ShapesSplit.Compositions(ShapesSplitKind.Train).Should().BeSameAs(ShapesSplit.Train);
        ShapesSplit.Compositions(ShapesSplitKind.Holdout).Should().BeSameAs(ShapesSplit.Holdout);
        ShapesSplit.Compositions(ShapesSplitKind.All).Should().HaveCount(270);
    }
}
