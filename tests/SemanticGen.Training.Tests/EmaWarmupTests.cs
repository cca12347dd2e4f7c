namespace SemanticGen.Training.Tests;

public sealed class EmaWarmupTests
{
    [Theory]
    [InlineData(0.999, 1, 2.0 / 11)]
    [InlineData(0.999, 10, 11.0 / 20)]
    [InlineData(0.999, 100_000, 0.999)]
    [InlineData(0.5, 30, 0.5)]
    public void The_decay_warms_up_and_is_capped_by_the_configured_decay(double decay, long step, double expected) =>
        ExponentialMovingAverage.WarmedUpDecay(decay, step).Should().BeApproximately(expected, 1e-12);
}
