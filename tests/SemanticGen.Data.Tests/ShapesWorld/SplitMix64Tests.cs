using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Matches_the_published_reference_sequence()
    {
        // Rosetta Code "Pseudo-random numbers/Splitmix64", seed 1234567 (Vigna's splitmix64.c).
        var random = new SplitMix64(1234567);
        var outputs = Enumerable.Range(0, 5).Select(_ => random.NextUInt64()).ToArray();
        outputs.Should().Equal(6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821);
    }

    [Fact]
    public void Doubles_and_ints_stay_in_range_and_spread()
    {
        var random = SplitMix64.ForStream(3, 4);
        var doubles = Enumerable.Range(0, 10_000).Select(_ => random.NextDouble()).ToArray();
        doubles.Should().OnlyContain(d => d >= 0 && d < 1);
        doubles.Average().Should().BeApproximately(0.5, 0.02);
        var ints = Enumerable.Range(0, 6_000).Select(_ => random.NextInt(6)).ToArray();
        ints.Should().OnlyContain(i => i >= 0 && i < 6);
        ints.GroupBy(i => i).Should().HaveCount(6).And.OnlyContain(g => g.Count() > 850 && g.Count() < 1150);
    }

    [Fact]
    public void Streams_are_reproducible_and_distinct()
    {
        var a = SplitMix64.ForStream(5, 17);
        var b = SplitMix64.ForStream(5, 17);
        var otherIndex = SplitMix64.ForStream(5, 18);
        var otherSeed = SplitMix64.ForStream(6, 17);
        var first = a.NextUInt64();
        first.Should().Be(b.NextUInt64());
        first.Should().NotBe(otherIndex.NextUInt64());
        first.Should().NotBe(otherSeed.NextUInt64());
    }
}
