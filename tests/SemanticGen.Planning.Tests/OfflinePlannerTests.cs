using Microsoft.SemanticKernel;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Planning.Offline;

namespace SemanticGen.Planning.Tests;

public sealed class OfflinePlannerTests
{
    private readonly KernelShotPlanner _planner = ShotPlanners.CreateOffline();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 5)]
    [InlineData(7, 30)]
    [InlineData(42, 12)]
    public async Task Shapes_story_gives_one_shot_per_motion_whose_caption_parses_back_to_the_story(long seed, int shots)
    {
        var story = ShapesStoryGenerator.Generate(seed, shots);

        var plan = await _planner.PlanAsync(story.Outline, TestContext.Current.CancellationToken);

        plan.Shots.Should().HaveCount(shots);
        for (var i = 0; i < shots; i++)
        {
            var shot = plan.Shots[i];
            ShapesCaption.TryParse(shot.Prompt, out var composition, out var error).Should().BeTrue(error);
            composition.Should().Be(story.ShotCompositions[i]);
            shot.Prompt.Should().Be(story.ShotCompositions[i].Caption);
            shot.DurationSeconds.Should().Be(49 / 24.0);
            shot.Continuity.Subject.Should().Be($"{story.Colour.Word} {story.Shape.Word}");
            shot.Continuity.Background.Should().Be(story.Background.Word);
        }

        plan.TotalDurationSeconds.Should().BeApproximately(shots * 49 / 24.0, 1e-9);
    }

    [Fact]
    public async Task Shapes_story_is_read_with_the_grammar_forgiving_case_and_line_breaks()
    {
        const string outline = "a BLUE triangle on a navy background.\n It moves up,\nthen it moves left, then it stays still .";

        var plan = await _planner.PlanAsync(outline, TestContext.Current.CancellationToken);

        plan.Shots.Select(shot => shot.Prompt).Should().Equal(
            "a blue triangle moves up on a navy background",
            "a blue triangle moves left on a navy background",
            "a blue triangle stays still on a navy background");
        plan.Shots.Select(shot => shot.Continuity.Notes).Should().Equal("first shot", "starts where shot 1 ended", "starts where shot 2 ended");
    }

    [Fact]
    public async Task Prose_gives_one_shot_per_sentence_or_clause()
    {
        const string outline = "A red fox runs through a snowy forest. It stops at the river; then it drinks, and then it looks up!\n\nThe sun sets behind the hills.";

        var plan = await _planner.PlanAsync(outline, TestContext.Current.CancellationToken);

        plan.Shots.Select(shot => shot.Prompt).Should().Equal(
            "A red fox runs through a snowy forest",
            "It stops at the river",
            "it drinks",
            "it looks up",
            "The sun sets behind the hills");
        plan.Shots.Should().OnlyContain(shot => shot.DurationSeconds == 49 / 24.0 && shot.Continuity.Subject == null);
        plan.Shots[0].Continuity.Notes.Should().BeNull();
        plan.Shots[3].Continuity.Notes.Should().Be("continues shot 1: A red fox runs through a snowy forest");
    }

    [Fact]
    public async Task Prose_shot_length_comes_from_the_options()
    {
        var planner = ShotPlanners.CreateOffline(new ShotPlannerOptions { ShotSeconds = 4 });

        var plan = await planner.PlanAsync("A boat leaves the harbour. Then it sails into a storm.", TestContext.Current.CancellationToken);

        plan.Shots.Select(shot => (shot.Prompt, shot.DurationSeconds)).Should().Equal(
            ("A boat leaves the harbour", 4.0), ("it sails into a storm", 4.0));
    }

    [Fact]
    public async Task An_outline_off_the_story_grammar_is_planned_as_prose()
    {
        // "jumps" is no Shapes World motion, so this is not a story outline: two sentences, the second two clauses.
        var plan = await _planner.PlanAsync("A red circle on a gray background. It jumps, then it moves right.", TestContext.Current.CancellationToken);

        plan.Shots.Select(shot => shot.Prompt).Should().Equal("A red circle on a gray background", "It jumps", "it moves right");
    }

    [Fact]
    public async Task A_story_longer_than_MaxShots_fails_clearly_without_retrying()
    {
        var planner = ShotPlanners.CreateOffline(new ShotPlannerOptions { MaxShots = 4 });
        var outline = ShapesStoryGenerator.Generate(3, 5).Outline;

        var plan = () => planner.PlanAsync(outline, TestContext.Current.CancellationToken);

        var failure = (await plan.Should().ThrowAsync<ShotPlanningException>()).Which;
        failure.Attempts.Should().Be(1);
        failure.Message.Should().Contain("the offline shot planner").And.Contain("shots has 5 shots; at most 4 are allowed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task An_empty_outline_is_an_argument_error(string outline)
    {
        var plan = () => _planner.PlanAsync(outline, TestContext.Current.CancellationToken);

        await plan.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void The_offline_planner_is_a_native_function_of_the_planner_kernel()
    {
        var function = _planner.Kernel.Plugins.GetFunction(OfflineShotPlannerPlugin.PluginName, OfflineShotPlannerPlugin.FunctionName);

        function.Metadata.Parameters.Select(parameter => parameter.Name).Should().Equal("outline");
    }

    [Fact]
    public void Splitter_keeps_sentences_without_connectives_whole()
    {
        ProseSplitter.Split("A cat sleeps, dreaming of fish. A dog barks?").Should().Equal("A cat sleeps, dreaming of fish", "A dog barks");
    }
}
