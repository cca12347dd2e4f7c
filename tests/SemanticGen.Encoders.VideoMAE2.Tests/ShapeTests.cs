using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>Shapes the fixture does not record: more frames, larger and non-square inputs, batches, bad input.</summary>
public sealed class ShapeTests(ITestOutputHelper output)
{
    [Fact]
    public void The_plain_reference_reproduces_the_recorded_fixture()
    {
        // The plain forward is the yardstick below, so it must itself match Hugging Face.
        var sd = Fixture.StateDict();
        using var pixels = Fixture.Io("pixel_values");
        using var expected = Fixture.Io("last_hidden_state");
        using var plain = PlainVideoMAE.Forward(sd, pixels, Fixture.Config);
        Fixture.MaxAbs(plain, expected).Should().BeLessThanOrEqualTo(1e-4);
    }

    [Theory]
    [InlineData(8, 64, 64)]     // more frames than the config's 4
    [InlineData(4, 96, 80)]     // larger and non-square: the position table extends past the config's 32 tokens
    [InlineData(6, 32, 48)]     // fewer tokens than the config
    public void Other_clip_shapes_match_the_plain_reference(int frames, int height, int width)
    {
        using var encoder = Fixture.CreateEncoder();
        var sd = Fixture.StateDict();
        using var pixels = randn([1, frames, 3, height, width], generator: new Generator(7));
        using var input = Fixture.Pixels(encoder, pixels);
        using var features = encoder.Encode(input);
        using var plain = PlainVideoMAE.Forward(sd, pixels, Fixture.Config);

        var grid = new SemanticGrid(frames / 2, height / 16, width / 16);
        features.Grid.Should().Be(grid);
        features.Tokens.shape.Should().Equal(1, grid.Count, 64);
        var error = Fixture.MaxAbs(features.Tokens, plain);
        output.WriteLine($"T={frames}, {height}×{width}: max abs error vs plain reference {error:E2}");
        error.Should().BeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void With_randomised_biases_and_norms_the_model_still_matches_the_plain_reference()
    {
        using var folder = new TempFolder();
        var sd = Fixture.RandomisedStateDict(seed: 11);
        SafetensorsWriter.Write(folder.File("model.safetensors"), sd);
        using var encoder = Fixture.CreateEncoder(folder.File("model.safetensors"));
        using var pixels = randn([2, 4, 3, 48, 64], generator: new Generator(5));
        using var input = Fixture.Pixels(encoder, pixels);
        using var features = encoder.Encode(input);
        using var plain = PlainVideoMAE.Forward(sd, pixels, Fixture.Config);
        using var fixtureEncoder = Fixture.CreateEncoder();
        using var unchanged = fixtureEncoder.Encode(input);

        Fixture.MaxAbs(features.Tokens, plain).Should().BeLessThanOrEqualTo(1e-4);
        Fixture.MaxAbs(features.Tokens, unchanged.Tokens).Should().BeGreaterThan(1e-2, "the randomised biases and norms must matter");
    }

    [Fact]
    public void Sinusoid_table_matches_the_formula_computed_plainly()
    {
        foreach (var (positions, dim) in new[] { (32, 64), (1568, 768), (11, 6) })
        {
            using var table = SinusoidTable.Build(positions, dim);
            var plain = PlainVideoMAE.Table(positions, dim);
            using var expected = tensor(plain, dtype: ScalarType.Float64);
            table.shape.Should().Equal(positions, dim);
            Fixture.MaxAbs(table, expected).Should().BeLessThanOrEqualTo(1e-6, $"table ({positions}, {dim})");
        }
    }

    [Fact]
    public void Slots_cover_consecutive_tubelets_at_the_sampling_rate()
    {
        using var encoder = Fixture.CreateEncoder();
        using var frames = randint(0, 256, [1, 8, 64, 64, 3], dtype: ScalarType.Byte, generator: new Generator(3));
        using var features = encoder.Encode(new VideoFrames(frames, 2.0));

        features.Grid.Should().Be(new SemanticGrid(4, 4, 4));
        features.Slots.Select(slot => slot.FirstFrame).Should().Equal(0, 2, 4, 6);
        features.Slots.Should().OnlyContain(slot => slot.FrameCount == 2);
        features.Slots[3].Start.Should().Be(TimeSpan.FromSeconds(3));
        features.Slots[3].End.Should().Be(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void A_batch_of_two_equals_each_clip_alone()
    {
        using var encoder = Fixture.CreateEncoder();
        using var first = Fixture.Io("frames_uint8").unsqueeze(0);
        using var second = first.flip(3);
        using var both = cat([first, second], 0);

        using var together = encoder.Encode(new VideoFrames(both, 1.6));
        using var alone0 = encoder.Encode(new VideoFrames(first, 1.6));
        using var alone1 = encoder.Encode(new VideoFrames(second, 1.6));

        Fixture.MaxAbs(together.Tokens[0], alone0.Tokens[0]).Should().BeLessThanOrEqualTo(1e-5);
        Fixture.MaxAbs(together.Tokens[1], alone1.Tokens[0]).Should().BeLessThanOrEqualTo(1e-5);
        Fixture.MaxAbs(alone0.Tokens, alone1.Tokens).Should().BeGreaterThan(1e-2, "different clips give different tokens");
    }

    [Fact]
    public void Frame_counts_that_are_not_whole_tubelets_are_rejected_naming_expected_and_found()
    {
        using var encoder = Fixture.CreateEncoder();
        using var frames = zeros([1, 3, 64, 64, 3], dtype: ScalarType.Byte);
        var act = () => encoder.Preprocess(new VideoFrames(frames, 1.6));
        act.Should().Throw<ArgumentException>().WithMessage("*multiple of 2*T = 3*");
    }

    [Fact]
    public void Frames_that_are_not_uint8_rgb_are_rejected()
    {
        using var encoder = Fixture.CreateEncoder();
        using var floats = zeros([1, 2, 64, 64, 3]);
        using var gray = zeros([1, 2, 64, 64, 1], dtype: ScalarType.Byte);
        encoder.Invoking(e => e.Preprocess(new VideoFrames(floats, 1.6))).Should().Throw<ArgumentException>().WithMessage("*uint8*Float32*");
        encoder.Invoking(e => e.Preprocess(new VideoFrames(gray, 1.6))).Should().Throw<ArgumentException>().WithMessage("*64, 64, 1]*");
    }

    [Fact]
    public void Pixels_that_do_not_tile_into_patches_or_disagree_with_their_grid_are_rejected()
    {
        using var encoder = Fixture.CreateEncoder();
        using var ragged = zeros([1, 4, 3, 64, 60]);
        using var pixels = zeros([1, 4, 3, 64, 64]);
        encoder.Invoking(e => e.GridOf(ragged)).Should().Throw<ArgumentException>().WithMessage("*multiples of 16*W=60*");
        using var wrongGrid = new PreprocessedVideo(pixels.alias(), new SemanticGrid(1, 4, 4), 1.6);
        encoder.Invoking(e => e.Encode(wrongGrid)).Should().Throw<ArgumentException>().WithMessage("*1×4×4*2×4×4*");
    }
}
