using System.Diagnostics;
using System.Text.Json.Nodes;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Evaluation;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.LongVideo;

/// <summary>One story's measurements: per shot (score, flickering, subject consistency) and per boundary (centroid jump).</summary>
public sealed record LongVideoStoryResult(string Outline, IReadOnlyList<ShapesScore> Scores, IReadOnlyList<double?> Jumps,
    IReadOnlyList<double> Flickering, IReadOnlyList<double> SubjectConsistency, double Seconds)
{
    /// <summary>Per boundary, the distance from where the story's continuity rule puts the next shot's start (<see cref="LongVideoMetrics.RuleDeviations"/>).</summary>
    public IReadOnlyList<double?> RuleDeviations { get; init; } = [];

    public double Identity => LongVideoMetrics.IdentityConsistency([.. Scores.Select(s => s.Detected)]);

    public double ModalIdentity => LongVideoMetrics.ModalIdentity([.. Scores.Select(s => s.Detected)]);

    public JsonObject ToJson() => new()
    {
        ["outline"] = Outline,
        ["seconds"] = Seconds,
        ["identity_consistency"] = Identity,
        ["identity_modal"] = ModalIdentity,
        ["boundary_jumps_px"] = new JsonArray([.. Jumps.Select(j => (JsonNode?)j)]),
        ["rule_deviations_px"] = new JsonArray([.. RuleDeviations.Select(j => (JsonNode?)j)]),
        ["temporal_flickering"] = new JsonArray([.. Flickering.Select(f => (JsonNode)f)]),
        ["subject_consistency"] = new JsonArray([.. SubjectConsistency.Select(f => (JsonNode)f)]),
        ["shots"] = new JsonArray([.. Scores.Select(s => (JsonNode)s.ToJson())]),
    };
}

/// <summary>The measures of issue 6 over a set of stories (<see cref="LongVideoEvaluation.Run"/>).</summary>
public sealed record LongVideoEvaluationResult(string Pipeline, IReadOnlyList<LongVideoStoryResult> Stories)
{
    /// <summary>Per-shot text-following (each shot's 49 frames scored against its own caption).</summary>
    public ShapesAccuracy Accuracy => ShapesAccuracy.Of(Stories.SelectMany(s => s.Scores));

    /// <summary>Mean over stories of the fraction of shots 2…S with shot 1's detected colour and shape.</summary>
    public double Identity => Stories.Average(s => s.Identity);

    /// <summary>Mean over stories of the fraction of shots with the story's most frequent detected colour and shape.</summary>
    public double ModalIdentity => Stories.Average(s => s.ModalIdentity);

    private IReadOnlyList<double> Jumps => [.. Stories.SelectMany(s => s.Jumps).OfType<double>()];

    public double MedianJump => LongVideoMetrics.Median(Jumps);

    public double MeanJump => Jumps.Count == 0 ? double.NaN : Jumps.Average();

    /// <summary>Median over all boundaries of the distance from where the story's continuity rule puts the next shot's start.</summary>
    public double MedianRuleDeviation => LongVideoMetrics.Median([.. Stories.SelectMany(s => s.RuleDeviations).OfType<double>()]);

    /// <summary>Boundaries where a frame had no object (no jump measured).</summary>
    public int MissingJumps => Stories.Sum(s => s.Jumps.Count(j => j is null));

    /// <summary>Mean over stories of Δ temporal flickering (first vs last 15 % of shots).</summary>
    public double FlickeringDrift => Stories.Average(s => LongVideoMetrics.Drift(s.Flickering));

    /// <summary>Mean over stories of Δ subject consistency.</summary>
    public double ConsistencyDrift => Stories.Average(s => LongVideoMetrics.Drift(s.SubjectConsistency));

    /// <summary>Mean over stories of Δ all-correct rate.</summary>
    public double AllCorrectDrift => Stories.Average(s => LongVideoMetrics.Drift([.. s.Scores.Select(x => x.AllCorrect ? 1.0 : 0.0)]));

    public double SecondsPerStory => Stories.Average(s => s.Seconds);

    public JsonObject ToJson() => new()
    {
        ["pipeline"] = Pipeline,
        ["stories"] = Stories.Count,
        ["shot_accuracy"] = Accuracy.ToJson(),
        ["identity_consistency"] = Identity,
        ["identity_modal"] = ModalIdentity,
        ["boundary_jump_px_median"] = double.IsNaN(MedianJump) ? null : MedianJump,
        ["boundary_jump_px_mean"] = double.IsNaN(MeanJump) ? null : MeanJump,
        ["boundary_jumps_missing"] = MissingJumps,
        ["rule_deviation_px_median"] = double.IsNaN(MedianRuleDeviation) ? null : MedianRuleDeviation,
        ["drift_temporal_flickering"] = FlickeringDrift,
        ["drift_subject_consistency"] = ConsistencyDrift,
        ["drift_all_correct"] = AllCorrectDrift,
        ["seconds_per_story"] = SecondsPerStory,
        ["per_story"] = new JsonArray([.. Stories.Select(s => (JsonNode)s.ToJson())]),
    };
}

/// <summary>
/// eval-long (issue 6): N random Shapes World stories of K shots (story i from seed + i), each shot prompted with its
/// own caption (what the offline planner makes of the story's outline; SemanticGen.Planning tests that), generated with seed + i, each shot scored against its own caption; see <see cref="LongVideoMetrics"/>.
/// </summary>
public static class LongVideoEvaluation
{
    /// <param name="sampling">story i is generated with this request's sampling and seed <c>sampling.Seed + i</c> (and drawn with that seed)</param>
    public static LongVideoEvaluationResult Run(PipelineComponents components, ILongVideoPipeline pipeline, string name,
        int stories, int shots, LongVideoRequest sampling, ShapesSplitKind split = ShapesSplitKind.Train,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(stories, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        var results = new List<LongVideoStoryResult>(stories);
        for (var i = 0; i < stories; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var seed = sampling.Seed + i;
            var story = ShapesStoryGenerator.Generate(seed, shots, split);
            var prompts = story.ShotCompositions.Select(c => c.Caption).ToArray();
            var clock = Stopwatch.StartNew();
            var request = sampling with { Seed = seed };
            results.Add(ScoreStory(story, pipeline.Shots(prompts, request),
                frames => VideoQualityMetrics.SubjectConsistency(components.SemanticEncoder, components.Manifest, frames), clock));
            progress?.Report(i + 1);
        }
        return new LongVideoEvaluationResult(name, results);
    }

    /// <summary>
    /// Scores a story's shots (each (T, H, W, 3) uint8, disposed here) against the story's shot captions.
    /// <paramref name="consistency"/> gives a shot's subject consistency (null: not measured, 1).
    /// </summary>
    public static LongVideoStoryResult ScoreStory(ShapesStory story, IEnumerable<Tensor> shots, Func<Tensor, double>? consistency = null, Stopwatch? clock = null)
    {
        ArgumentNullException.ThrowIfNull(story);
        ArgumentNullException.ThrowIfNull(shots);
        var scorer = new ShapesScorer();
        var compositions = story.ShotCompositions;
        var (scores, ends, flicker, subject) = (new List<ShapesScore>(), new List<(CanvasPoint?, CanvasPoint?)>(), new List<double>(), new List<double>());
        double scoringSeconds = 0;
        var index = 0;
        foreach (var frames in shots)
        {
            using (frames)
            {
                var scoring = Stopwatch.StartNew();
                using var scope = NewDisposeScope();
                if (index >= compositions.Count) throw new ArgumentException($"more shots than the story's {compositions.Count}.", nameof(shots));
                scores.Add(scorer.Score(frames, compositions[index]));
                var centroids = scorer.Centroids(frames);
                ends.Add((centroids[0], centroids[^1]));
                flicker.Add(VideoQualityMetrics.TemporalFlickering(frames));
                subject.Add(consistency?.Invoke(frames) ?? 1.0);
                scoringSeconds += scoring.Elapsed.TotalSeconds;
            }
            index++;
        }
        var seconds = clock is null ? 0 : clock.Elapsed.TotalSeconds - scoringSeconds;
        var options = ShapesRenderOptions.Default;
        var regions = compositions.Take(ends.Count).Select(c => options.StartRegion(c.Motion)).ToArray();
        return new LongVideoStoryResult(story.Outline, scores, LongVideoMetrics.BoundaryJumps(ends), flicker, subject, seconds)
        {
            RuleDeviations = LongVideoMetrics.RuleDeviations(ends, regions, CentroidOffset(scorer, compositions[0], options)),
        };
    }

    /// <summary>
    /// The subject's scorer centroid minus its bounding-box centre (the renderer's position), measured on the first
    /// frame of the subject rendered at the centre of its start region.
    /// </summary>
    public static CanvasPoint CentroidOffset(ShapesScorer scorer, ShapesComposition composition, ShapesRenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(composition);
        var region = options.StartRegion(composition.Motion);
        var centre = new CanvasPoint((region.MinX + region.MaxX) / 2, (region.MinY + region.MaxY) / 2);
        using var scope = NewDisposeScope();
        var frames = new ShapesRenderer(options).Render(composition, centre);                     // (T, H, W, 3)
        var centroid = scorer.Centroids(frames.narrow(0, 0, 1))[0]
            ?? throw new InvalidOperationException($"the scorer finds no object in a rendered '{composition.Caption}'.");
        return new CanvasPoint(centroid.X - centre.X, centroid.Y - centre.Y);
    }
}
