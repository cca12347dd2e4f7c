using SemanticGen.Diffusion;

namespace SemanticGen.Diffusion.Tests;

public sealed class FlowMatchScheduleTests
{
    private static readonly IReadOnlyList<FlowMatchParity.RecordedGrid> Recorded =
        FlowMatchParity.ReadSigmas(RepoPaths.Fixture("wan", FlowMatchParity.SigmasFile));

    public static TheoryData<double, int> Cases()
    {
        var data = new TheoryData<double, int>();
        foreach (var shift in new[] { 1.0, 3.0, 5.0 })
            foreach (var steps in new[] { 4, 10, 50 })
                data.Add(shift, steps);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diffusers_sigmas_and_timesteps_match_the_recording(double shift, int steps)
    {
        var recorded = Recorded.Single(r => r.Shift == shift && r.Steps == steps);

        var grid = FlowMatchSchedule.DiffusersSigmas(1000, shift, steps);

        grid.Sigmas.Should().HaveCount(steps + 1);
        grid.Timesteps.Should().HaveCount(steps);
        grid.Sigmas.Zip(recorded.Sigmas, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThanOrEqualTo(1e-6);
        // Timesteps are σ·1000 in float32: 1e-6 relative.
        grid.Timesteps.Zip(recorded.Timesteps, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThanOrEqualTo(1e-6 * 1000);
    }

    [Fact]
    public void Recording_holds_all_nine_cases() => Recorded.Should().HaveCount(9);

    [Fact]
    public void Diffusers_sigmas_reproduce_the_golden_values_of_method_md()
    {
        var grid = FlowMatchSchedule.DiffusersSigmas(1000, 3.0, 4);

        grid.Sigmas.Should().Equal([1.0, 0.857692, 0.602151, 0.008929, 0.0], (a, b) => Math.Abs(a - b) < 5e-7);
    }

    [Theory]
    [InlineData(3.0, 10)]
    [InlineData(5.0, 4)]
    public void Diffusers_grid_is_the_shift_of_a_linspace_over_the_already_shifted_range(double s, int steps)
    {
        var sigmaMin = FlowMatchSchedule.Shift(1.0 / 1000, s);
        var grid = FlowMatchSchedule.DiffusersSigmas(1000, s, steps);

        for (var i = 0; i < steps; i++)
        {
            var t = 1.0 + i * (sigmaMin - 1.0) / (steps - 1);
            grid.Sigmas[i].Should().BeApproximately(FlowMatchSchedule.Shift(t, s), 1e-6);
        }
        // The last non-zero sigma is shifted twice, i.e. once by s² (the shift is a Möbius map).
        grid.Sigmas[steps - 1].Should().BeApproximately(FlowMatchSchedule.Shift(1.0 / 1000, s * s), 1e-6);
        grid.Sigmas[steps].Should().Be(0);
    }

    [Theory]
    [InlineData(1.0, 4)]
    [InlineData(3.0, 10)]
    [InlineData(5.0, 50)]
    public void Default_grid_is_one_shift_of_linspace_from_1_to_0(double shift, int steps)
    {
        var grid = FlowMatchSchedule.Sigmas(shift, steps);

        grid.Sigmas.Should().HaveCount(steps + 1);
        grid.Sigmas[0].Should().Be(1.0);
        grid.Sigmas[^1].Should().Be(0.0);
        grid.Sigmas.Should().BeInDescendingOrder();
        grid.Sigmas.Distinct().Should().HaveCount(steps + 1, "strictly decreasing");
        for (var i = 0; i <= steps; i++)
            grid.Sigmas[i].Should().BeApproximately(FlowMatchSchedule.Shift(1.0 - (double)i / steps, shift), 1e-12);
        grid.Timesteps.Should().Equal(grid.Sigmas.Take(steps).Select(s => s * 1000));
    }

    [Fact]
    public void Unshifted_default_grid_is_plain_linspace()
    {
        FlowMatchSchedule.Sigmas(1.0, 4).Sigmas.Should().Equal(1.0, 0.75, 0.5, 0.25, 0.0);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    [InlineData(0.5)]
    public void Shift_fixes_the_ends_and_is_monotone(double s)
    {
        FlowMatchSchedule.Shift(0, s).Should().Be(0);
        FlowMatchSchedule.Shift(1, s).Should().Be(1);
        var values = Enumerable.Range(0, 101).Select(i => FlowMatchSchedule.Shift(i / 100.0, s)).ToList();
        values.Should().BeInAscendingOrder();
        if (s > 1)
            values.Skip(1).SkipLast(1).Zip(Enumerable.Range(1, 99), (v, i) => v > i / 100.0).Should().AllBeEquivalentTo(true, "s > 1 moves time towards noise");
    }

    [Fact]
    public void Shift_matches_the_formula()
    {
        FlowMatchSchedule.Shift(0.5, 3).Should().BeApproximately(1.5 / 2.0, 1e-15);
        FlowMatchSchedule.Shift(0.25, 5).Should().BeApproximately(1.25 / 2.0, 1e-15);
    }

    [Fact]
    public void Resolution_shift_is_the_square_root_of_the_element_ratio()
    {
        FlowMatchSchedule.ResolutionShift(4 * 4096, 4096).Should().Be(2.0);
        FlowMatchSchedule.ResolutionShift(4096, 4096).Should().Be(1.0);
        FlowMatchSchedule.ResolutionShift(1024, 4096).Should().Be(0.5);
        var act = () => FlowMatchSchedule.ResolutionShift(0, 4096);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        ((Action)(() => FlowMatchSchedule.Sigmas(3, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => FlowMatchSchedule.Sigmas(0, 4))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => FlowMatchSchedule.DiffusersSigmas(1000, double.NaN, 4))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
