using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>
/// docs/torchsharp-notes.md: an implicit Scalar can be finalized while libtorch reads it. Preprocessing, layout
/// building and the forward run here while another thread forces collections; a stray implicit scalar crashes or
/// corrupts results.
/// </summary>
[Collection(ForcedCollections.RunsAlone)]
public sealed class CollectionStressTests
{
    [Fact]
    public async Task Encoding_while_collections_are_forced_gives_the_same_features()
    {
        using var encoder = QwenFixture.Encoder(QwenFixture.Config with { WindowSize = 112 });
        using var frames = QwenFixture.Frames(1, 2, 140, 196, seed: 21);
        using var expected = encoder.Encode(new VideoFrames(frames, 1.6));
        var pressure = ForcedCollections.Start();

        try
        {
            // A few hundred forwards: with a stray implicit scalar in RmsNorm this fails within ~100 (tried).
            for (var i = 0; i < 300; i++)
            {
                if (i % 50 == 0)
                {
                    // Grids not seen yet: the layout construction runs under the same pressure.
                    using var other = QwenFixture.Frames(1, 2, 56 + 28 * (i / 50), 84, seed: i);
                    using var _ = encoder.Encode(new VideoFrames(other, 1.6));
                }
                using var again = encoder.Encode(new VideoFrames(frames, 1.6));
                QwenFixture.MaxAbs(again.Tokens, expected.Tokens).Should().Be(0);
            }
        }
        finally
        {
            await pressure.DisposeAsync();
        }
    }
}
