using SemanticGen.Data.ShapesWorld;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Data.Tests.ShapesWorld;

public sealed class ShapesRendererTests
{
    private static readonly ShapesRenderer Renderer = new();

    private static ShapesComposition Still(ShapeKind shape) =>
        new(ShapeColour.Red, shape, ShapeMotion.StaysStill, ShapeBackground.Gray);

    [Fact]
    public void Default_clip_is_49_frames_of_64x64_uint8_rgb()
    {
        using var frames = Renderer.Render(Still(ShapeKind.Circle), new CanvasPoint(32, 32));
        frames.shape.Should().Equal(49, 64, 64, 3);
        frames.dtype.Should().Be(ScalarType.Byte);
    }

    [Theory]
    [InlineData(20, 30)]
    [InlineData(31.25, 17.75)]
    [InlineData(40.5, 40.5)]
    public void A_square_covers_exactly_16x16_pixels_at_any_position(double x, double y)
    {
        // Half-open edges: any 16 px interval holds exactly 16 pixel centres.
        using var frames = Renderer.Render(Still(ShapeKind.Square), new CanvasPoint(x, y));
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Gray.Rgb);
        ClipPixels.CountPerFrame(mask).Should().OnlyContain(count => count == 256);
    }

    [Fact]
    public void A_moving_square_keeps_256_pixels_in_every_frame()
    {
        var clip = new ShapesComposition(ShapeColour.Blue, ShapeKind.Square, ShapeMotion.MovesDown, ShapeBackground.Navy);
        using var frames = Renderer.Render(clip, new CanvasPoint(33.3, 12.1));
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Navy.Rgb);
        ClipPixels.CountPerFrame(mask).Should().OnlyContain(count => count == 256);
    }

    [Fact]
    public void A_circle_covers_about_pi_r_squared_pixels()
    {
        foreach (var (x, y) in new[] { (32.0, 32.0), (20.3, 41.7), (25.5, 25.5) })
        {
            using var frames = Renderer.Render(Still(ShapeKind.Circle), new CanvasPoint(x, y));
            using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Gray.Rgb);
            ClipPixels.CountPerFrame(mask)[0].Should().BeCloseTo(201, 8, $"π·8² ≈ 201 at ({x}, {y})");
        }
    }

    [Fact]
    public void An_integer_aligned_triangle_points_up_and_covers_128_pixels()
    {
        using var frames = Renderer.Render(Still(ShapeKind.Triangle), new CanvasPoint(30, 30));
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Gray.Rgb);
        ClipPixels.CountPerFrame(mask)[0].Should().Be(128);

        // Box rows 22..37, columns 22..37. Half-width at depth t = row + 0.5 is t/2: widths 0,2,2,4,4,…,14,14,16.
        using var rowCounts = mask[0].sum(1);
        var widths = rowCounts.data<long>().ToArray()[22..38];
        widths.Should().Equal(0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 14, 14, 16);
        using var outsideBox = mask[0].sum().sub(mask[0][TensorIndex.Slice(22, 38), TensorIndex.Slice(22, 38)].sum());
        outsideBox.item<long>().Should().Be(0);
    }

    [Fact]
    public void Masks_equal_a_scalar_reading_of_the_inclusion_rules()
    {
        // Positions on a 1/16 px grid are exact in float32, so boundary ties (pixel centres on an edge) occur and
        // the documented inclusivity is checked, not just the interior.
        var random = new SplitMix64(7);
        for (var trial = 0; trial < 12; trial++)
        {
            var x = 10 + Math.Floor(random.NextDouble() * 44 * 16) / 16;
            var y = 10 + Math.Floor(random.NextDouble() * 44 * 16) / 16;
            if (trial == 0)
                (x, y) = (20.5, 30.5);   // every square and triangle edge passes through pixel centres
            foreach (var shape in ShapeKind.All)
            {
                using var mask = Renderer.ObjectMask(shape, ShapeMotion.StaysStill, new CanvasPoint(x, y));
                using var frame0 = mask[0].contiguous();
                var actual = frame0.data<bool>().ToArray();
                for (var row = 0; row < 64; row++)
                for (var col = 0; col < 64; col++)
                    actual[row * 64 + col].Should().Be(InsideByRule(shape, x, y, col + 0.5, row + 0.5), $"{shape} at ({x}, {y}), pixel ({col}, {row})");
            }
        }
    }

    private static bool InsideByRule(ShapeKind shape, double cx, double cy, double px, double py)
    {
        if (shape == ShapeKind.Square)
            return px >= cx - 8 && px < cx + 8 && py >= cy - 8 && py < cy + 8;
        if (shape == ShapeKind.Circle)
            return (px - cx) * (px - cx) + (py - cy) * (py - cy) <= 64;
        var depth = py - (cy - 8);
        return depth >= 0 && depth < 16 && Math.Abs(px - cx) <= depth / 2;
    }

    [Fact]
    public void Colours_are_exactly_the_object_and_background_rgb()
    {
        foreach (var colour in ShapeColour.All)
        foreach (var background in ShapeBackground.All)
        {
            var clip = new ShapesComposition(colour, ShapeKind.Circle, ShapeMotion.MovesLeft, background);
            using var frames = Renderer.Render(clip, new CanvasPoint(47.3, 29.9));
            ClipPixels.Colours(frames, 0).Should().BeEquivalentTo([colour.Rgb, background.Rgb], clip.Caption);
            ClipPixels.Colours(frames, 48).Should().BeEquivalentTo([colour.Rgb, background.Rgb], clip.Caption);
        }
    }

    [Theory]
    [InlineData("moves right", 32, 0)]
    [InlineData("moves left", -32, 0)]
    [InlineData("moves up", 0, -32)]
    [InlineData("moves down", 0, 32)]
    [InlineData("stays still", 0, 0)]
    public void The_object_travels_32_px_between_first_and_last_frame(string motionWord, double dx, double dy)
    {
        var motion = ShapeMotion.All.Single(m => m.Word == motionWord);
        var start = Renderer.Options.StartRegion(motion).Clamp(new CanvasPoint(26, 26));   // integer-aligned
        using var frames = Renderer.Render(new ShapesComposition(ShapeColour.White, ShapeKind.Square, motion, ShapeBackground.Black), start);
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Black.Rgb);
        var first = ClipPixels.Centroid(mask, 0);
        var last = ClipPixels.Centroid(mask, 48);
        first.Should().Be(start);
        (last.X - first.X).Should().Be(dx);
        (last.Y - first.Y).Should().Be(dy);
        // Constant speed: halfway (frame 24) is halfway along.
        var middle = ClipPixels.Centroid(mask, 24);
        (middle.X - first.X).Should().Be(dx / 2);
        (middle.Y - first.Y).Should().Be(dy / 2);
    }

    [Fact]
    public void Start_regions_follow_the_spec_geometry()
    {
        // Centre within [2 + 8, 64 − 2 − 8] = [10, 54]; the moving axis loses 32 px on the side it moves to.
        var o = ShapesRenderOptions.Default;
        o.StartRegion(ShapeMotion.MovesRight).Should().Be(new StartRegion(10, 22, 10, 54));
        o.StartRegion(ShapeMotion.MovesLeft).Should().Be(new StartRegion(42, 54, 10, 54));
        o.StartRegion(ShapeMotion.MovesUp).Should().Be(new StartRegion(10, 54, 42, 54));
        o.StartRegion(ShapeMotion.MovesDown).Should().Be(new StartRegion(10, 54, 10, 22));
        o.StartRegion(ShapeMotion.StaysStill).Should().Be(new StartRegion(10, 54, 10, 54));
    }

    [Fact]
    public void At_the_edge_of_the_start_region_the_object_touches_the_margin_and_no_further()
    {
        var region = Renderer.Options.StartRegion(ShapeMotion.MovesLeft);
        var clip = new ShapesComposition(ShapeColour.Green, ShapeKind.Square, ShapeMotion.MovesLeft, ShapeBackground.Gray);
        using var frames = Renderer.Render(clip, new CanvasPoint(region.MinX, region.MinY));
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Gray.Rgb);
        ClipPixels.MarginIsClear(mask, 2).Should().BeTrue();
        ClipPixels.MarginIsClear(mask, 3).Should().BeFalse("the last frame reaches column 2 and the top reaches row 2");
    }

    [Fact]
    public void Objects_stay_inside_the_2px_margin_for_many_seeds()
    {
        foreach (var seed in new long[] { 0, 1, 42, 1234567, -9 })
        {
            var source = new ShapesClipSource(seed, ShapesSplitKind.All);
            foreach (var clip in source.Take(40))
            {
                using var frames = source.Render(clip);
                using var mask = ClipPixels.ObjectMask(frames, clip.Composition.Background.Rgb);
                ClipPixels.MarginIsClear(mask, 2).Should().BeTrue($"seed {seed} clip {clip.Index}: {clip.Caption} from {clip.Start}");
                if (clip.Composition.Shape == ShapeKind.Square)
                    ClipPixels.CountPerFrame(mask).Should().OnlyContain(count => count == 256, "never clipped by the canvas");
            }
        }
    }

    [Fact]
    public void Other_sizes_are_parameters()
    {
        var renderer = new ShapesRenderer(new ShapesRenderOptions(Width: 48, Height: 32, Frames: 9, ObjectSize: 8, Travel: 12));
        var start = renderer.Options.StartRegion(ShapeMotion.MovesRight).Clamp(new CanvasPoint(0, 16));
        using var frames = renderer.Render(new ShapesComposition(ShapeColour.Red, ShapeKind.Square, ShapeMotion.MovesRight, ShapeBackground.Black), start);
        frames.shape.Should().Equal(9, 32, 48, 3);
        using var mask = ClipPixels.ObjectMask(frames, ShapeBackground.Black.Rgb);
        ClipPixels.CountPerFrame(mask).Should().OnlyContain(count => count == 64);
        (ClipPixels.Centroid(mask, 8).X - ClipPixels.Centroid(mask, 0).X).Should().Be(12);
    }

    [Theory]
    [InlineData(64, 64, 1, 16, 32)]
    [InlineData(64, 64, 49, 16, 48)]
    [InlineData(64, 40, 49, 16, 32)]
    [InlineData(64, 64, 49, 0, 32)]
    public void Impossible_options_are_rejected(int width, int height, int frames, double size, double travel)
    {
        var make = () => new ShapesRenderer(new ShapesRenderOptions(Width: width, Height: height, Frames: frames, ObjectSize: size, Travel: travel));
        make.Should().Throw<ArgumentException>();
    }
}
