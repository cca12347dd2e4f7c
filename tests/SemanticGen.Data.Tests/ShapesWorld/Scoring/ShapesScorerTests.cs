using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.Tests.ShapesWorld.Scoring;

public sealed class ShapesScorerTests
{
    private static readonly ShapesRenderer Renderer = new();
    private static readonly ShapesScorer Scorer = new();

    // One clip per composition, its start drawn as the clip source draws it.
    private static Tensor RenderComposition(int index)
    {
        var composition = ShapesComposition.All[index];
        var random = SplitMix64.ForStream(99, index);
        return Renderer.Render(composition, Renderer.Options.StartRegion(composition.Motion).Sample(ref random));
    }

    private static void AssertAllCorrect(Func<int, Tensor, Tensor> transform)
    {
        var scores = new List<ShapesScore>();
        for (var i = 0; i < ShapesComposition.All.Count; i++)
        {
            using var scope = NewDisposeScope();
            var frames = transform(i, RenderComposition(i));
            scores.Add(Scorer.Score(frames, ShapesComposition.All[i]));
        }

        var wrong = scores.Where(s => !s.AllCorrect).Select(s => s.ToJson().ToJsonString()).ToArray();
        wrong.Should().BeEmpty();
        var accuracy = ShapesAccuracy.Of(scores);
        accuracy.Should().Be(new ShapesAccuracy(270, 1, 1, 1, 1, 1));
    }

    [Fact]
    public void All_270_rendered_compositions_score_fully_correct() =>
        AssertAllCorrect((_, frames) => frames);

    [Fact]
    public void All_270_score_correct_after_compression_like_noise_and_chroma_blur() =>
        AssertAllCorrect((i, frames) => CompressionLikeDegradation.Apply(frames, seed: i));

    [Fact]
    public void All_270_score_correct_with_soft_luma_edges_as_well() =>
        AssertAllCorrect((i, frames) => CompressionLikeDegradation.Apply(frames, seed: 1000 + i, noise: 4, blurLuma: true));

    [Fact]
    public void Measurements_of_a_clean_clip_are_exact()
    {
        var composition = new ShapesComposition(ShapeColour.Green, ShapeKind.Square, ShapeMotion.MovesUp, ShapeBackground.Navy);
        using var frames = Renderer.Render(composition, new CanvasPoint(30.4, 50.2));
        var detected = Scorer.Detect(frames);
        detected.ObjectColour.Should().Be(new MeanColour(60, 200, 80));
        detected.FillRatio.Should().BeApproximately(1.0, 1e-6);
        detected.FramesWithObject.Should().Be(49);
        // Mean of frames 44..48 minus mean of frames 0..4: 32 · (46 − 2) / 48 px upward.
        detected.Displacement!.Value.X.Should().BeApproximately(0, 1e-3);
        detected.Displacement!.Value.Y.Should().BeApproximately(-32.0 * 44 / 48, 0.5, "pixel centroids are within half a pixel");
    }

    [Fact]
    public void Wrong_attributes_are_reported_per_attribute()
    {
        var rendered = new ShapesComposition(ShapeColour.Red, ShapeKind.Triangle, ShapeMotion.MovesLeft, ShapeBackground.Gray);
        var prompt = new ShapesComposition(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.MovesRight, ShapeBackground.Gray);
        using var frames = Renderer.Render(rendered, new CanvasPoint(50, 30));
        var score = Scorer.Score(frames, prompt);
        (score.ColourMatches, score.ShapeMatches, score.MotionMatches, score.BackgroundMatches, score.AllCorrect)
            .Should().Be((true, false, false, true, false));
        score.Detected.Shape.Should().Be(ShapeKind.Triangle);
        score.Detected.Motion.Should().Be(ShapeMotion.MovesLeft);
    }

    [Fact]
    public void Json_has_detected_words_matches_and_measurements()
    {
        var composition = new ShapesComposition(ShapeColour.Yellow, ShapeKind.Circle, ShapeMotion.StaysStill, ShapeBackground.Black);
        using var frames = Renderer.Render(composition, new CanvasPoint(20, 20));
        var prompt = composition with { Colour = ShapeColour.White };
        var json = Scorer.Score(frames, prompt).ToJson();
        json["prompt"]!.GetValue<string>().Should().Be("a white circle stays still on a black background");
        json["detected"]!["colour"]!.GetValue<string>().Should().Be("yellow");
        json["detected"]!["shape"]!.GetValue<string>().Should().Be("circle");
        json["detected"]!["motion"]!.GetValue<string>().Should().Be("stays still");
        json["detected"]!["background"]!.GetValue<string>().Should().Be("black");
        json["matches"]!["colour"]!.GetValue<bool>().Should().BeFalse();
        json["matches"]!["shape"]!.GetValue<bool>().Should().BeTrue();
        json["allCorrect"]!.GetValue<bool>().Should().BeFalse();
        json["detected"]!["measurements"]!["framesWithObject"]!.GetValue<int>().Should().Be(49);
        json["detected"]!["measurements"]!["fillRatio"]!.GetValue<double>().Should().BeInRange(0.75, 0.83);
        json["detected"]!["measurements"]!["objectColour"]!.AsArray().Select(v => v!.GetValue<double>()).Should().Equal(240, 210, 40);
    }

    [Fact]
    public void A_clip_without_an_object_is_handled_and_never_correct()
    {
        using var frames = full(new long[] { 49, 64, 64, 3 }, 64, dtype: ScalarType.Byte);
        var score = Scorer.Score(frames, new ShapesComposition(ShapeColour.Red, ShapeKind.Circle, ShapeMotion.StaysStill, ShapeBackground.Gray));
        score.Detected.Background.Should().Be(ShapeBackground.Gray);
        (score.Detected.Colour, score.Detected.Shape, score.Detected.Motion).Should().Be((null, null, null));
        score.Detected.FramesWithObject.Should().Be(0);
        score.BackgroundMatches.Should().BeTrue();
        score.AllCorrect.Should().BeFalse();
        score.ToJson()["detected"]!["colour"].Should().BeNull();
    }

    [Fact]
    public void Frames_without_the_object_are_skipped()
    {
        var composition = new ShapesComposition(ShapeColour.Blue, ShapeKind.Triangle, ShapeMotion.MovesRight, ShapeBackground.Black);
        using var frames = Renderer.Render(composition, new CanvasPoint(15, 30));
        using var background = tensor(new byte[] { 16, 16, 16 });
        frames[TensorIndex.Slice(0, 10)] = background;                        // the object appears at frame 10
        frames[TensorIndex.Slice(45, 49)] = background;                       // and leaves after frame 44
        var detected = Scorer.Detect(frames);
        detected.FramesWithObject.Should().Be(35);
        detected.Colour.Should().Be(ShapeColour.Blue);
        detected.Shape.Should().Be(ShapeKind.Triangle);
        detected.Motion.Should().Be(ShapeMotion.MovesRight);
    }

    [Fact]
    public void Garbage_input_does_not_crash()
    {
        using var generator = new Generator(5);
        using var noise = randint(0, 256, [12, 32, 40, 3], generator: generator).to_type(ScalarType.Byte);
        var detected = Scorer.Detect(noise);
        detected.Frames.Should().Be(12);
        ShapeBackground.All.Should().Contain(detected.Background);

        using var clip = Renderer.Render(ShapesComposition.All[0], new CanvasPoint(32, 32));
        using var single = clip[TensorIndex.Slice(0, 1)];
        Scorer.Detect(single).Motion.Should().Be(ShapeMotion.StaysStill, "one frame cannot show motion");
    }

    [Fact]
    public void The_background_is_the_majority_of_per_frame_votes()
    {
        var composition = new ShapesComposition(ShapeColour.White, ShapeKind.Square, ShapeMotion.StaysStill, ShapeBackground.Navy);
        using var frames = Renderer.Render(composition, new CanvasPoint(32, 32));
        frames[TensorIndex.Slice(0, 20)] = tensor(new byte[] { 64, 64, 64 });   // 20 gray frames against 29 navy
        Scorer.Detect(frames).Background.Should().Be(ShapeBackground.Navy);
    }

    [Theory]
    [InlineData(new long[] { 64, 64, 3 }, ScalarType.Byte, "(64, 64, 3)")]
    [InlineData(new long[] { 4, 64, 64, 4 }, ScalarType.Byte, "(4, 64, 64, 4)")]
    [InlineData(new long[] { 4, 3, 64, 64 }, ScalarType.Byte, "(4, 3, 64, 64)")]
    [InlineData(new long[] { 4, 64, 64, 3 }, ScalarType.Float32, "Float32")]
    [InlineData(new long[] { 0, 64, 64, 3 }, ScalarType.Byte, "(0, 64, 64, 3)")]
    [InlineData(new long[] { 4, 2, 64, 3 }, ScalarType.Byte, "(4, 2, 64, 3)")]
    public void Wrong_inputs_name_expected_and_found(long[] shape, ScalarType dtype, string found)
    {
        using var frames = zeros(shape, dtype: dtype);
        var detect = () => Scorer.Detect(frames);
        detect.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("expected") && e.Message.Contains(found));
    }
}
