using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class ShapesClipSourceTests
{
    [Fact]
    public void Same_seed_gives_the_same_clips()
    {
        var a = new ShapesClipSource(11, ShapesSplitKind.Train).Take(200).ToArray();
        var b = new ShapesClipSource(11, ShapesSplitKind.Train).Take(200).ToArray();
        a.Should().Equal(b);
    }

    [Fact]
    public void ClipAt_equals_the_enumerated_clip()
    {
        var source = new ShapesClipSource(3, ShapesSplitKind.All);
        var enumerated = source.Take(300).ToArray();
        foreach (var k in new[] { 0, 1, 2, 57, 199, 299 })
            source.ClipAt(k).Should().Be(enumerated[k]);
        enumerated.Select(c => c.Index).Should().Equal(Enumerable.Range(0, 300).Select(i => (long)i));
        source.From(250).Take(50).Should().Equal(enumerated[250..300]);
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var source = new ShapesClipSource(3, ShapesSplitKind.All);
        using var a = source.Render(source.ClipAt(9));
        using var b = new ShapesClipSource(3, ShapesSplitKind.All).Render(source.ClipAt(9));
        a.eq(b).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Different_seeds_give_different_clips()
    {
        var a = new ShapesClipSource(1, ShapesSplitKind.All).Take(50).ToArray();
        var b = new ShapesClipSource(2, ShapesSplitKind.All).Take(50).ToArray();
        a.Zip(b).Count(pair => pair.First == pair.Second).Should().Be(0);
        a.Zip(b).Count(pair => pair.First.Composition == pair.Second.Composition).Should().BeLessThan(5);
    }

    [Theory]
    [InlineData(ShapesSplitKind.Train)]
    [InlineData(ShapesSplitKind.Holdout)]
    [InlineData(ShapesSplitKind.All)]
    public void Only_split_compositions_appear_and_all_of_them_do(ShapesSplitKind split)
    {
        var expected = ShapesSplit.Compositions(split);
        var clips = new ShapesClipSource(21, split).Take(4000).ToArray();
        clips.Select(c => c.Composition).Should().OnlyContain(c => expected.Contains(c));
        clips.Select(c => c.Composition).Distinct().Should().HaveCount(expected.Count, "uniform draws cover the split");
    }

    [Fact]
    public void Starts_are_uniform_inside_the_start_region()
    {
        var source = new ShapesClipSource(8, ShapesSplitKind.All);
        var clips = source.Take(3000).ToArray();
        clips.Should().OnlyContain(c => source.Options.StartRegion(c.Composition.Motion).Contains(c.Start));
        // Still clips: x uniform in [10, 54] → mean 32, and both ends of the range are reached.
        var still = clips.Where(c => c.Composition.Motion == ShapeMotion.StaysStill).Select(c => c.Start.X).ToArray();
        still.Average().Should().BeApproximately(32, 1.5);
        still.Min().Should().BeLessThan(11);
        still.Max().Should().BeGreaterThan(53);
        // Continuous, not snapped to pixels.
        clips.Count(c => c.Start.X != Math.Round(c.Start.X)).Should().Be(clips.Length);
    }

    [Fact]
    public void Captions_are_the_composition_captions()
    {
        var clip = new ShapesClipSource(0, ShapesSplitKind.All).ClipAt(5);
        clip.Caption.Should().Be(ShapesCaption.Format(clip.Composition));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var source = new ShapesClipSource(0, ShapesSplitKind.All);
        source.Invoking(s => s.ClipAt(-1)).Should().Throw<ArgumentOutOfRangeException>();
        var empty = () => new ShapesClipSource(0, Array.Empty<ShapesComposition>());
        empty.Should().Throw<ArgumentException>();
    }
}
