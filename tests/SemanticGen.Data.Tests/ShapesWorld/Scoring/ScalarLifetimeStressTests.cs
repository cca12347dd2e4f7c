using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;

namespace SemanticGen.Data.Tests.ShapesWorld.Scoring;

/// <summary>
/// Guards docs/torchsharp-notes.md: an implicit TorchSharp scalar can be finalized while libtorch reads it. Rendering
/// and scoring while another thread forces collections crashes (or mis-scores) when a hot path regresses to implicit
/// scalars; with explicit, living scalars it is stable.
/// </summary>
[Collection(ForcedCollections.RunsAlone)]
public sealed class ScalarLifetimeStressTests
{
    [Fact]
    public async Task Rendering_and_scoring_survive_collections_forced_from_another_thread()
    {
        var source = new ShapesClipSource(seed: 99, ShapesSplitKind.Train);
        var scorer = new ShapesScorer();
        var pressure = ForcedCollections.Start();

        var correct = 0;
        const int clips = 60;
        try
        {
            foreach (var clip in source.Take(clips))
            {
                using var frames = source.Render(clip);
                correct += scorer.Score(frames, clip.Composition).AllCorrect ? 1 : 0;
            }
        }
        finally
        {
            await pressure.DisposeAsync();
        }

        correct.Should().Be(clips);
    }
}
