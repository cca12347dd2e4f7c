namespace SemanticGen.Planning.Tests;

public sealed class ShotPlanValidatorTests
{
    private static Shot Good(double seconds = 2) => new("a red circle moves right on a gray background", seconds, ShotContinuity.None);

    [Fact]
    public void A_plan_within_the_limits_has_no_errors()
    {
        ShotPlanValidator.Validate(new ShotPlan([Good(), Good(3)])).Should().BeEmpty();
    }

    [Fact]
    public void Every_problem_is_named_by_shot_index_and_field()
    {
        var plan = new ShotPlan([Good(), new Shot("", 2, ShotContinuity.None), Good(-1), Good(double.NaN), Good(11), null!, new Shot("p", 2, null!)]);

        ShotPlanValidator.Validate(plan).Should().Equal(
            "shots[1].prompt is empty",
            "shots[2].durationSeconds is -1; it must be > 0",
            "shots[3].durationSeconds is NaN; it must be > 0",
            "shots[4].durationSeconds is 11; at most 10 s is allowed",
            "shots[5] is null",
            "shots[6].continuity is null");
    }

    [Fact]
    public void Shot_count_must_be_between_one_and_the_configured_maximum()
    {
        var limits = new ShotPlanLimits(MaxShots: 2);

        ShotPlanValidator.Validate(new ShotPlan([]), limits).Should().Equal("shots is empty; a plan needs 1 to 2 shots");
        ShotPlanValidator.Validate(new ShotPlan([Good(), Good(), Good()]), limits).Should().Equal("shots has 3 shots; at most 2 are allowed");
    }

    [Fact]
    public void Total_duration_is_limited()
    {
        var limits = new ShotPlanLimits(MaxShots: 10, MaxShotSeconds: 5, MaxTotalSeconds: 9);

        ShotPlanValidator.Validate(new ShotPlan([Good(4), Good(4), Good(1.5)]), limits)
            .Should().Equal("the total duration is 9.5 s; at most 9 s is allowed");
    }

    [Fact]
    public void EnsureValid_throws_with_every_error_in_the_message()
    {
        var ensure = () => ShotPlanValidator.EnsureValid(new ShotPlan([new Shot("", 0, ShotContinuity.None)]));

        ensure.Should().Throw<InvalidShotPlanException>()
            .WithMessage("invalid shot plan: shots[0].prompt is empty; shots[0].durationSeconds is 0; it must be > 0");
    }
}
