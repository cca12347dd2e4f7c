using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Media;

namespace SemanticGen.Data.Tests.ShapesWorld;

/// <summary>
/// The check of the scorer that shapes-world.md demands: every one of the 270 compositions, rendered, encoded as
/// H.264 yuv420p mp4 by the project's own writer and decoded by its reader, scores 100 % on all four attributes.
/// </summary>
public sealed class ScorerThroughMp4Tests
{
    [Fact]
    public async Task Every_composition_rendered_and_passed_through_mp4_scores_all_correct()
    {
        var folder = Directory.CreateTempSubdirectory("sg-scorer-mp4-");
        try
        {
            var options = new MediaOptions();
            var writer = new FfmpegVideoWriter(options);
            var reader = new FfmpegVideoReader(options);
            var compositions = ShapesSplit.Compositions(ShapesSplitKind.Train).Concat(ShapesSplit.Compositions(ShapesSplitKind.Holdout)).ToList();
            compositions.Should().HaveCount(270);
            var renderOptions = ShapesRenderOptions.Default;
            var scorer = new ShapesScorer();
            var scores = new ShapesScore[compositions.Count];

            // Each composition once, at the start position of clip `index` of a source holding only that composition,
            // so starts differ between compositions and always respect the motion's feasible region.
            await Parallel.ForEachAsync(Enumerable.Range(0, compositions.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = TestContext.Current.CancellationToken },
                async (index, cancellation) =>
                {
                    var source = new ShapesClipSource(seed: 2026, [compositions[index]], renderOptions);
                    var path = Path.Combine(folder.FullName, $"clip{index:D3}.mp4");
                    using (var frames = source.Render(source.ClipAt(index)))
                        await writer.WriteAsync(path, frames, new VideoWriteRequest(renderOptions.Fps, ContactSheet: false), cancellation);
                    using var decoded = await reader.ReadAllFramesAsync(path, new FrameReadRequest(), cancellation);
                    decoded.shape.Should().Equal(49, 64, 64, 3);
                    scores[index] = scorer.Score(decoded, compositions[index]);
                });

            var wrong = scores.Where(score => !score.AllCorrect).Select(score => $"{score.Prompt.Caption} → {score.Detected.ToJson().ToJsonString()}").ToList();
            wrong.Should().BeEmpty();
            ShapesAccuracy.Of(scores).AllCorrect.Should().Be(1.0);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
