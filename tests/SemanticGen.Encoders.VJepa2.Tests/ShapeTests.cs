using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>Inputs other than the fixture's, against the plain float64 reference.</summary>
public sealed class ShapeTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(16, 4, 3, 5)]    // the fixture's head dim: bands of 4, 4 channels unrotated
    [InlineData(32, 2, 3, 4)]    // bands of 10 (an odd number of frequencies), 2 unrotated
    [InlineData(80, 3, 2, 2)]    // ViT-H's head dim: bands of 26, 2 unrotated
    [InlineData(64, 2, 2, 3)]    // ViT-L / ViT-g: bands of 20, 4 unrotated
    public void Rope_matches_the_per_channel_loops_on_a_non_square_grid(int headDim, int frames, int rows, int columns)
    {
        using var rope = new VJepa2Rope(headDim);
        var grid = new SemanticGrid(frames, rows, columns);
        using var x = randn([2, 3, grid.Count, headDim], generator: new Generator(7));
        var (cos, sin) = rope.Tables(grid, CPU, ScalarType.Float32);

        using var ours = rope.Apply(x, cos, sin);
        using var expected = SlowReference.Rotate(x, rows, columns);

        Fixture.MaxAbs(ours, expected).Should().BeLessThan(1e-5);
        rope.Tables(grid, CPU, ScalarType.Float32).Cos.Should().BeSameAs(cos, "tables are cached per grid");
    }

    [Fact]
    public void Eight_frames_through_the_fixture_weights_match_the_plain_reference()
    {
        using var model = Fixture.LoadedModel();
        using var pixels = Fixture.RandomPixels(1, 8, 64, seed: 3);

        using var ours = model.forward(pixels);
        using var expected = SlowReference.Forward(model, pixels);

        ours.shape.Should().Equal(1, 4 * 4 * 4, 64);
        Fixture.MaxAbs(ours, expected).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void A_crop_of_96_with_head_dim_32_matches_the_plain_reference()
    {
        var config = Fixture.Config with { CropSize = 96, HiddenSize = 64, NumAttentionHeads = 2 };
        using var model = Fixture.RandomModel(config, seed: 11);
        using var pixels = Fixture.RandomPixels(1, 4, 96, seed: 5);

        using var ours = model.forward(pixels);
        using var expected = SlowReference.Forward(model, pixels);

        ours.shape.Should().Equal(1, 2 * 6 * 6, 64);
        Fixture.MaxAbs(ours, expected).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Non_square_pixels_take_positions_from_their_own_grid()
    {
        // Preprocessing always gives crop×crop; a caller passing its own 64×96 pixels gets rows and columns of a 4×6
        // grid (Meta's behaviour), where transformers would reuse the configured 4-wide rows.
        using var model = Fixture.RandomModel(Fixture.Config, seed: 6);
        using var pixels = randn([1, 2, 3, 64, 96], generator: new Generator(13));

        using var ours = model.forward(pixels);
        using var expected = SlowReference.Forward(model, pixels);

        model.GridOf(2, 64, 96).Should().Be(new SemanticGrid(1, 4, 6));
        Fixture.MaxAbs(ours, expected).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void A_batch_of_two_equals_each_clip_alone()
    {
        using var model = Fixture.LoadedModel();
        using var first = Fixture.RandomPixels(1, 4, 64, seed: 1);
        using var second = Fixture.RandomPixels(1, 4, 64, seed: 2);
        using var both = cat([first, second], 0);

        using var batched = model.forward(both);
        using var alone1 = model.forward(first);
        using var alone2 = model.forward(second);

        Fixture.MaxAbs(batched.narrow(0, 0, 1), alone1).Should().BeLessThan(1e-5);
        Fixture.MaxAbs(batched.narrow(0, 1, 1), alone2).Should().BeLessThan(1e-5);
        Fixture.MaxAbs(alone1, alone2).Should().BeGreaterThan(0.1, "different clips must give different tokens");
    }

    [Fact]
    public void Tokens_depend_on_position_through_rope()
    {
        // Swapping the two tubelets permutes the tokens; without positions attention would only permute the outputs.
        // (Weights of std 0.2: the fixture's 0.02 initialisation makes attention nearly uniform.)
        using var model = Fixture.RandomModel(Fixture.Config, seed: 4);
        using var pixels = Fixture.RandomPixels(1, 4, 64, seed: 9);
        using var swapped = cat([pixels.narrow(1, 2, 2), pixels.narrow(1, 0, 2)], 1);

        using var tokens = model.forward(pixels);
        using var swappedTokens = model.forward(swapped);

        Fixture.MaxAbs(swappedTokens.narrow(1, 16, 16), tokens.narrow(1, 0, 16)).Should().BeGreaterThan(1e-2);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    [InlineData(0)]
    public void An_odd_or_empty_frame_count_is_rejected_naming_expected_and_found(int frames)
    {
        using var encoder = new VJepa2SemanticEncoder(Fixture.LoadedModel());
        using var video = Fixture.RandomFrames(1, frames, 64, 64, seed: 1);
        using var pixels = Fixture.RandomPixels(1, Math.Max(frames, 1), 64, seed: 1);

        var preprocess = () => encoder.Preprocess(new VideoFrames(video, 1.6));
        var forward = () => encoder.Model.forward(pixels);

        preprocess.Should().Throw<ArgumentException>().WithMessage($"*multiple of 2*found T = {frames}*");
        if (frames != 0)
            forward.Should().Throw<ArgumentException>().WithMessage($"*multiple of 2*found T = {frames}*");
    }

    [Fact]
    public void A_size_that_is_not_a_multiple_of_the_patch_is_rejected()
    {
        using var model = Fixture.LoadedModel();
        using var pixels = randn([1, 2, 3, 64, 72]);

        var forward = () => model.forward(pixels);

        forward.Should().Throw<ArgumentException>().WithMessage("*multiple of the patch 16*64×72*");
    }
}
