using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;

namespace SemanticGen.Planning.Offline;

/// <summary>
/// The deterministic, model-free planning rules behind <see cref="OfflineShotPlannerPlugin"/>:
/// <list type="number">
/// <item>An outline of the Shapes World story grammar (parsed by <see cref="ShapesStoryOutline"/>, shapes-world.md
/// "Long videos") gives one shot per motion, each prompted with the caption grammar
/// (<see cref="ShapesCaption"/>: "a {colour} {shape} {motion} on a {background} background"), lasting one clip
/// (49 frames at 24 fps), with the subject and background as continuity notes.</item>
/// <item>Anything else is prose: one shot per sentence or clause (<see cref="ProseSplitter"/>), each
/// <c>proseShotSeconds</c> long; later shots note that they continue the first one.</item>
/// </list>
/// </summary>
public static class OfflineOutlinePlanner
{
    /// <summary>Seconds of one Shapes World clip: 49 frames at 24 fps.</summary>
    public static double ShapesShotSeconds { get; } = ShapesRenderOptions.Default.Frames / ShapesRenderOptions.Default.Fps;

    /// <summary>Plans <paramref name="outline"/>; throws <see cref="ArgumentException"/> for an outline without words.</summary>
    public static ShotPlan Plan(string outline, double proseShotSeconds)
    {
        ArgumentNullException.ThrowIfNull(outline);
        if (string.IsNullOrWhiteSpace(outline))
            throw new ArgumentException("the outline is empty; write a story outline, e.g. 'A red circle on a gray background. It moves right, then it stays still.'", nameof(outline));
        return ShapesStoryOutline.TryParse(outline, out var story, out _)
            ? PlanStory(story)
            : PlanProse(outline, proseShotSeconds);
    }

    /// <summary>One shot per motion of <paramref name="story"/>; subject and background carried in every shot.</summary>
    public static ShotPlan PlanStory(ShapesStory story)
    {
        ArgumentNullException.ThrowIfNull(story);
        var subject = $"{story.Colour.Word} {story.Shape.Word}";
        var shots = story.ShotCompositions.Select((composition, i) => new Shot(
            ShapesCaption.Format(composition),
            ShapesShotSeconds,
            new ShotContinuity(subject, story.Background.Word, i == 0 ? "first shot" : $"starts where shot {i} ended")));
        return new ShotPlan([.. shots]);
    }

    /// <summary>One shot per sentence or clause of <paramref name="prose"/>.</summary>
    public static ShotPlan PlanProse(string prose, double shotSeconds)
    {
        var clauses = ProseSplitter.Split(prose);
        if (clauses.Count == 0)
            throw new ArgumentException("the outline has no sentence to plan a shot from", nameof(prose));
        var shots = clauses.Select((clause, i) => new Shot(
            clause,
            shotSeconds,
            new ShotContinuity(null, null, i == 0 ? null : $"continues shot 1: {clauses[0]}")));
        return new ShotPlan([.. shots]);
    }
}
