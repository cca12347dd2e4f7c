using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>
/// Guards docs/torchsharp-notes.md: preprocessing and the forward pass keep every scalar alive across native calls,
/// so forcing collections from another thread neither crashes nor changes the tokens.
/// </summary>
[Collection(ForcedCollections.RunsAlone)]
public sealed class ScalarLifetimeStressTests
{
    [Fact]
    public async Task Encoding_survives_collections_forced_from_another_thread()
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());
        using var frames = Fixture.RandomFrames(1, 4, 80, 96, seed: 12);   // resized and cropped: every preprocessing step runs
        using var first = encoder.Encode(new VideoFrames(frames, 1.6));
        var pressure = ForcedCollections.Start();

        var largest = 0.0;
        try
        {
            for (var i = 0; i < 40; i++)
            {
                using var features = encoder.Encode(new VideoFrames(frames, 1.6));
                largest = Math.Max(largest, Fixture.MaxAbs(features.Tokens, first.Tokens));
            }
        }
        finally
        {
            await pressure.DisposeAsync();
        }

        largest.Should().Be(0);
    }
}
