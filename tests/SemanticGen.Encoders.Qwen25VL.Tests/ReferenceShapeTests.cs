using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>
/// Shapes the recording does not cover (non-square, padded windows, more frames, a grid smaller than one window),
/// checked against <see cref="ReferenceTower"/> with the fixture's weights. Window 56 px is the fixture's (2×2 merged
/// units); window 112 px is the published towers' (4×4 merged units), same weights.
/// </summary>
public sealed class ReferenceShapeTests
{
    [Theory]
    [InlineData(56, 4, 112, 168)]   // non-square, merged 4×6: windows tile exactly
    [InlineData(56, 2, 140, 196)]   // merged 5×7: the last window row and column are padded
    [InlineData(56, 8, 112, 112)]   // 4 temporal slots
    [InlineData(112, 4, 140, 196)]  // 4×4 windows over 5×7: windows of 16, 12, 4 and 3 units
    [InlineData(112, 2, 56, 84)]    // merged 2×3: one padded window
    public void Features_and_hidden_states_match_the_reference(int window, int time, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var encoder = QwenFixture.Encoder(QwenFixture.Config with { WindowSize = window });
        var frames = QwenFixture.Frames(1, time, height, width, seed: height * 31 + width + time);

        using var input = encoder.Preprocess(new VideoFrames(frames, 1.6));
        using var features = encoder.Encode(input);
        var (gt, gh, gw) = (time / 2, height / 14, width / 14);
        input.PatchGrid.Should().Be(new SemanticGrid(gt, gh, gw));
        features.Grid.Should().Be(new SemanticGrid(gt, gh / 2, gw / 2));
        features.Tokens.shape.Should().Equal(1, gt * (gh / 2) * (gw / 2), 80);
        features.Slots.Should().HaveCount(gt);
        features.Slots[^1].Should().Be(new SlotSpan(time - 2, 2, TimeSpan.FromSeconds((time - 2) / 1.6), TimeSpan.FromSeconds(time / 1.6)));

        var reference = ReferenceTower.Run(QwenFixture.Parameters(encoder), encoder.Config, input.Pixels[0], gt, gh, gw);
        QwenFixture.MaxAbs(features.Tokens[0], reference.Merged).Should().BeLessThan(1e-4);

        // The blocks' output stays in window order (HF's last_hidden_state): the reference's rows, permuted.
        using var output = encoder.Run(input.Pixels, gt, gh, gw);
        var order = tensor(reference.WindowOrder.SelectMany(unit => Enumerable.Range(0, 4).Select(j => unit * 4 + j)).ToArray());
        QwenFixture.MaxAbs(output.Hidden[0], reference.Hidden[order]).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void A_batch_encodes_like_its_items_alone()
    {
        using var scope = NewDisposeScope();
        using var encoder = QwenFixture.Encoder(QwenFixture.Config with { WindowSize = 112 });
        var frames = QwenFixture.Frames(2, 4, 140, 196, seed: 7);

        using var both = encoder.Encode(new VideoFrames(frames, 1.6));
        using var first = encoder.Encode(new VideoFrames(frames[0..1], 1.6));
        using var second = encoder.Encode(new VideoFrames(frames[1..2], 1.6));

        both.Tokens.shape.Should().Equal(2, 2 * 5 * 7, 80);
        QwenFixture.MaxAbs(both.Tokens[0], first.Tokens[0]).Should().BeLessThan(1e-5);
        QwenFixture.MaxAbs(both.Tokens[1], second.Tokens[0]).Should().BeLessThan(1e-5);
        QwenFixture.MaxAbs(first.Tokens[0], second.Tokens[0]).Should().BeGreaterThan(1e-2, "different videos give different features");
    }

    [Fact]
    public void A_grid_layout_is_built_once_and_reused()
    {
        using var encoder = QwenFixture.Encoder();

        var layout = encoder.Tower.Layout(2, 10, 14);

        encoder.Tower.Layout(2, 10, 14).Should().BeSameAs(layout);
        encoder.Tower.Layout(2, 8, 8).Should().NotBeSameAs(layout);
        layout.KeyMask.Should().NotBeNull("5×7 merged units do not tile into 2×2 windows");
        encoder.Tower.Layout(2, 8, 8).KeyMask.Should().BeNull("4×4 merged units tile exactly");
    }
}
