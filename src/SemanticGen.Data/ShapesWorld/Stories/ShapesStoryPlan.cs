using TorchSharp;

namespace SemanticGen.Data.ShapesWorld.Stories;

/// <summary>
/// A story laid out shot by shot with the continuity rule (shapes-world.md, "Long videos"): each shot starts
/// where the previous ended, clamped per axis into this shot's <see cref="ShapesRenderOptions.StartRegion"/> —
/// the least move that keeps the whole of this shot's motion inside the margins. The plan holds positions only;
/// <see cref="RenderShots"/> renders one shot at a time, so a 30-shot story never sits in memory whole.
/// </summary>
public sealed record ShapesStoryPlan(ShapesStory Story, ShapesRenderOptions Options, IReadOnlyList<ShapesShot> Shots)
{
    /// <summary>
    /// The stream of <see cref="SplitMix64.ForStream"/> the first shot's start is drawn from (uniformly from its
    /// start region, as for a single clip); negative so it never coincides with a clip stream.
    /// </summary>
    public const long FirstStartStream = -2;

    /// <summary>Frames in the whole story (shots × frames per shot).</summary>
    public long TotalFrames => (long)Shots.Count * Options.Frames;

    /// <summary>Plans <paramref name="story"/>; <paramref name="seed"/> fixes the first shot's start.</summary>
    public static ShapesStoryPlan Create(ShapesStory story, long seed, ShapesRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(story);
        options = (options ?? ShapesRenderOptions.Default).Validate();
        var random = SplitMix64.ForStream(seed, FirstStartStream);
        var compositions = story.ShotCompositions;
        var shots = new ShapesShot[compositions.Count];
        CanvasPoint? previousEnd = null;
        for (var i = 0; i < shots.Length; i++)
        {
            var region = options.StartRegion(compositions[i].Motion);
            var start = previousEnd is { } end ? region.Clamp(end) : region.Sample(ref random);
            var shift = previousEnd is { } from ? new CanvasPoint(start.X - from.X, start.Y - from.Y) : default;
            var shotEnd = options.EndOf(start, compositions[i].Motion);
            shots[i] = new ShapesShot(i, compositions[i], start, shotEnd, shift);
            previousEnd = shotEnd;
        }

        return new ShapesStoryPlan(story, options, shots);
    }

    /// <summary>
    /// Renders the shots lazily, in order, each as a (T, H, W, 3) uint8 tensor. The caller owns and disposes
    /// each tensor before asking for the next, so memory stays at one shot.
    /// </summary>
    public IEnumerable<torch.Tensor> RenderShots()
    {
        var renderer = new ShapesRenderer(Options);
        foreach (var shot in Shots)
            yield return renderer.Render(shot.Composition, shot.Start);
    }
}
