using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;

namespace SemanticGen.Data.Tests.ShapesWorld.Stories;

public sealed class ShapesStoryPlanTests
{
    // Right, right forces a clamp (a right shot ends at x ≥ 42, the next must start at x ≤ 22); up after
    // stays-still may or may not; the rest exercise every axis.
    private const string Outline =
        "A white square on a black background. It moves right, then it moves right, then it stays still, " +
        "then it moves up, then it moves up, then it moves left, then it moves down, then it moves down, then it moves right.";

    // The feasible start interval of the spec, restated: centre in [10, 54], minus the travel on the moving side.
    private static (double Min, double Max) Feasible(int direction) =>
        (10 + Math.Max(0, -direction * 32), 54 - Math.Max(0, direction * 32));

    [Fact]
    public void Each_shot_starts_where_the_previous_ended_moved_the_least_distance_needed()
    {
        var plan = ShapesStoryPlan.Create(ShapesStoryOutline.Parse(Outline), seed: 4);
        plan.Shots.Should().HaveCount(9);
        var clamped = 0;
        for (var i = 1; i < plan.Shots.Count; i++)
        {
            var (previous, shot) = (plan.Shots[i - 1], plan.Shots[i]);
            var (minX, maxX) = Feasible(shot.Composition.Motion.DirectionX);
            var (minY, maxY) = Feasible(shot.Composition.Motion.DirectionY);
            var expected = new CanvasPoint(Math.Clamp(previous.End.X, minX, maxX), Math.Clamp(previous.End.Y, minY, maxY));
            shot.Start.Should().Be(expected, $"shot {i} ({shot.Caption}) after ending at {previous.End}");
            shot.ContinuityShift.Should().Be(new CanvasPoint(expected.X - previous.End.X, expected.Y - previous.End.Y));
            if (shot.ContinuityShift != default)
                clamped++;
        }

        clamped.Should().BeGreaterThan(0, "the outline forces at least one clamp");
        plan.Shots[1].ContinuityShift.X.Should().BeLessThanOrEqualTo(-20, "a second right shot must move back to x ≤ 22");
        plan.Shots[2].ContinuityShift.Should().Be(default(CanvasPoint), "staying still is feasible anywhere in [10, 54]");
    }

    [Fact]
    public void Rendered_shots_are_continuous_up_to_the_clamp()
    {
        var plan = ShapesStoryPlan.Create(ShapesStoryOutline.Parse(Outline), seed: 4);
        var background = plan.Story.Background.Rgb;
        CanvasPoint? lastCentroid = null;
        TorchSharp.torch.Tensor? lastFrame = null;
        try
        {
            var index = 0;
            foreach (var frames in plan.RenderShots())
            {
                using (frames)
                {
                    var shot = plan.Shots[index++];
                    using var mask = ClipPixels.ObjectMask(frames, background);
                    ClipPixels.MarginIsClear(mask, 2).Should().BeTrue($"shot {shot.Index} stays inside the margin");
                    var first = ClipPixels.Centroid(mask, 0);
                    if (lastCentroid is { } previous)
                    {
                        if (shot.ContinuityShift == default)
                        {
                            using var firstFrame = frames[0];
                            firstFrame.eq(lastFrame!).all().item<bool>().Should().BeTrue($"shot {shot.Index} starts on the previous last frame");
                        }
                        else
                        {
                            // Pixel centroids of a hard-edged square are within 0.5 px of the true centre.
                            (first.X - previous.X).Should().BeApproximately(shot.ContinuityShift.X, 1.0);
                            (first.Y - previous.Y).Should().BeApproximately(shot.ContinuityShift.Y, 1.0);
                        }
                    }

                    lastCentroid = ClipPixels.Centroid(mask, (int)frames.shape[0] - 1);
                    lastFrame?.Dispose();
                    lastFrame = frames[-1].clone();
                }
            }

            index.Should().Be(plan.Shots.Count);
        }
        finally
        {
            lastFrame?.Dispose();
        }
    }

    [Fact]
    public void All_shots_of_random_30_shot_stories_stay_inside_the_margins()
    {
        foreach (var seed in new long[] { 1, 2, 3 })
        {
            var plan = ShapesStoryPlan.Create(ShapesStoryGenerator.Generate(seed, 30), seed);
            plan.TotalFrames.Should().Be(30 * 49);
            foreach (var shot in plan.Shots)
            {
                var region = plan.Options.StartRegion(shot.Composition.Motion);
                region.Contains(shot.Start).Should().BeTrue($"seed {seed} shot {shot.Index}");
                shot.End.Should().Be(plan.Options.EndOf(shot.Start, shot.Composition.Motion));
            }

            foreach (var frames in plan.RenderShots())
            {
                using (frames)
                using (var mask = ClipPixels.ObjectMask(frames, plan.Story.Background.Rgb))
                    ClipPixels.MarginIsClear(mask, 2).Should().BeTrue($"seed {seed}");
            }
        }
    }

    [Fact]
    public void The_first_start_is_drawn_from_the_seed_and_shots_have_their_own_captions()
    {
        var story = ShapesStoryOutline.Parse("A red triangle on a navy background. It moves down, then it stays still.");
        var a = ShapesStoryPlan.Create(story, seed: 1);
        var b = ShapesStoryPlan.Create(story, seed: 1);
        var c = ShapesStoryPlan.Create(story, seed: 2);
        a.Shots.Should().Equal(b.Shots);
        a.Shots[0].Start.Should().NotBe(c.Shots[0].Start);
        a.Shots[0].ContinuityShift.Should().Be(default(CanvasPoint));
        a.Shots.Select(s => s.Caption).Should().Equal(
            "a red triangle moves down on a navy background", "a red triangle stays still on a navy background");
    }
}
