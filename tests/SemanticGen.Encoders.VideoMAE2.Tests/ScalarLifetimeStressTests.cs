using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>
/// Guards docs/torchsharp-notes.md: preprocessing, encoding and a masked-autoencoding step run while another thread
/// forces collections. An implicit scalar in a hot path shows up here as a crash or a wrong value. Run alone
/// (<c>-- --filter-class "*ScalarLifetimeStressTests"</c>) it caught an injected <c>x.add(h).mul(1.0)</c> in the block
/// every time; inside the full run the race is rarer (observed: not caught), so run it alone after touching forward code.
/// </summary>
[Collection(ForcedCollections.RunsAlone)]
public sealed class ScalarLifetimeStressTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Encoding_and_a_training_step_survive_collections_forced_from_another_thread()
    {
        // Deep and narrow: many scalar-taking native calls per round for little arithmetic.
        var deep = Fixture.Config with
        {
            NumHiddenLayers = 12, DecoderHiddenSize = 32, DecoderNumHiddenLayers = 6, DecoderNumAttentionHeads = 2, DecoderIntermediateSize = 32,
        };
        using var encoder = new VideoMAE2Encoder(new VideoMAEModel(deep), CPU, ScalarType.Float32);
        using var frames = Fixture.Io("frames_uint8").unsqueeze(0);
        using var first = encoder.Encode(new VideoFrames(frames, 1.6));
        var tiny = deep;
        using var pretraining = new VideoMAEPretraining(tiny);
        // Earlier tests' garbage would make every forced collection slow; clear it once.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var pressure = ForcedCollections.Start();

        var worst = 0.0;
        var rounds = 0;
        var collections = GC.CollectionCount(2);
        try
        {
            // Up to 200 rounds, at most ~6 s; an implicit scalar in a block (Tensor.add(Tensor) without alpha) fails this.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var round = 0; round < 200 && (round < 20 || clock.Elapsed < TimeSpan.FromSeconds(6)); round++)
            {
                using var features = encoder.Encode(new VideoFrames(frames, 1.6));
                worst = Math.Max(worst, Fixture.MaxAbs(features.Tokens, first.Tokens));

                using var scope = NewDisposeScope();
                var pixels = encoder.Preprocess(new VideoFrames(frames, 1.6)).Pixels;
                using var mask = TubeMasking.Create(new SemanticGrid(2, 4, 4), 1, 0.75, seed: round);
                var loss = MaskedAutoencodingLoss.Compute(pretraining.forward(pixels, mask), MaskedAutoencodingLoss.Targets(pixels, tiny, mask));
                loss.backward();
                double.IsFinite(loss.item<float>()).Should().BeTrue();
                rounds++;
            }
        }
        finally
        {
            await pressure.DisposeAsync();
        }

        output.WriteLine($"{rounds} rounds, {GC.CollectionCount(2) - collections} full collections, threads {torch.get_num_threads()}");
        worst.Should().Be(0, "every round computes the same thing");
    }
}
