using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoWriter _writer = new();
    private readonly FfmpegVideoReader _reader = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Written_clip_probes_as_written_and_reads_back_close_to_the_original()
    {
        using var original = SyntheticClips.MovingSquare();
        var path = _folder.File("square.mp4");

        var written = await _writer.WriteAsync(path, original, new VideoWriteRequest(24, ContactSheet: false), Cancel);
        var probed = await _reader.ProbeAsync(path, Cancel);
        var (decoded, _) = await _reader.ReadAllAsync(path, new FrameReadRequest());

        written.Should().Be(new VideoInfo(path, TimeSpan.FromSeconds(49 / 24.0), 64, 64, 24, 49, "h264"));
        probed.Should().BeEquivalentTo(new { Path = path, Width = 64, Height = 64, FrameRate = 24.0, FrameCount = 49L, Codec = "h264" });
        probed.Duration.TotalSeconds.Should().BeApproximately(49 / 24.0, 0.01);
        using (decoded)
        {
            decoded.shape.Should().Equal(49, 64, 64, 3);
            decoded.dtype.Should().Be(torch.ScalarType.Byte);
            using var error = (decoded.to(torch.ScalarType.Int32) - original.to(torch.ScalarType.Int32)).abs();
            error.to(torch.ScalarType.Float32).mean().item<float>().Should().BeLessThan(3f, "the mean error over the clip is a few levels at most");
            using var flat = FarFromSquare(49, 64);
            using var flatError = error.masked_select(flat);
            flatError.max().item<int>().Should().BeLessThanOrEqualTo(8, "flat background away from the square's edges survives almost exactly");
            decoded[10, 28, 18].ShouldBeNear(SyntheticClips.SquareColour, 8, "the square's inside keeps its colour");
        }
    }

    [Fact]
    public async Task Reading_at_1_6_fps_takes_the_frame_on_screen_at_each_tick()
    {
        using var ramp = SyntheticClips.ColourRamp();
        var path = _folder.File("ramp.mp4");
        await _writer.WriteAsync(path, ramp, new VideoWriteRequest(24, ContactSheet: false), Cancel);

        var (frames, _) = await _reader.ReadAllAsync(path, new FrameReadRequest(Fps: 1.6));
        var (half, _) = await _reader.ReadAllAsync(path, new FrameReadRequest(Fps: 12));

        using (frames)
        using (half)
        {
            // 49 frames at 24 fps last 2.042 s: ceil(2.042 × 1.6) = 4 ticks at 0, 0.625, 1.25, 1.875 s → frames 0, 15, 30, 45.
            Enumerable.Range(0, (int)frames.shape[0]).Select(i => SyntheticClips.RampFrameOf(frames[i])).Should().Equal(0, 15, 30, 45);
            Enumerable.Range(0, (int)half.shape[0]).Select(i => SyntheticClips.RampFrameOf(half[i]))
                .Should().Equal(Enumerable.Range(0, 25).Select(i => 2 * i), "12 fps keeps every other frame, 25 of 49");
        }
    }

    [Fact]
    public async Task Chunks_hold_at_most_ChunkFrames_and_MaxFrames_stops_early()
    {
        using var ramp = SyntheticClips.ColourRamp(width: 32, height: 32);
        var path = _folder.File("chunks.mp4");
        await _writer.WriteAsync(path, ramp, new VideoWriteRequest(24, ContactSheet: false), Cancel);

        var (all, lengths) = await _reader.ReadAllAsync(path, new FrameReadRequest(ChunkFrames: 10));
        var (first, firstLengths) = await _reader.ReadAllAsync(path, new FrameReadRequest(ChunkFrames: 4, MaxFrames: 6));

        using (all)
        using (first)
        {
            lengths.Should().Equal(10, 10, 10, 10, 9);
            Enumerable.Range(0, 49).Select(i => SyntheticClips.RampFrameOf(all[i])).Should().Equal(Enumerable.Range(0, 49), "chunks are in order");
            firstLengths.Should().Equal(4, 2);
            Enumerable.Range(0, 6).Select(i => SyntheticClips.RampFrameOf(first[i])).Should().Equal(Enumerable.Range(0, 6));
        }
    }

    [Fact]
    public async Task Odd_sizes_are_stored_one_larger_with_the_last_column_and_row_repeated()
    {
        using var original = SyntheticClips.VerticalBands(frames: 5, width: 33, height: 17);
        var path = _folder.File("odd.mp4");

        var written = await _writer.WriteAsync(path, original, new VideoWriteRequest(10, ContactSheet: false), Cancel);
        var probed = await _reader.ProbeAsync(path, Cancel);
        var (decoded, _) = await _reader.ReadAllAsync(path, new FrameReadRequest());

        (written.Width, written.Height, probed.Width, probed.Height).Should().Be((34, 18, 34, 18));
        using (decoded)
        {
            decoded.shape.Should().Equal(5, 18, 34, 3);
            decoded[2, 8, 33].ShouldBeNear([0, 0, 255], 40, "the added column repeats the blue right edge, not black");
            decoded[2, 17, 5].ShouldBeNear([255, 0, 0], 40, "the added row repeats the red bottom-left edge");
            decoded[2, 8, 16].ShouldBeNear([0, 255, 0], 40, "the content itself is where it was");
        }
    }

    /// <summary>
    /// (T, H, W, 3) mask of pixels at least 6 px away from the moving square: yuv420p halves colour resolution and the
    /// chroma filters reach a few pixels, so hard edges blur there whatever the quality.
    /// </summary>
    private static torch.Tensor FarFromSquare(int frames, int size)
    {
        var mask = torch.ones([frames, size, size, 3], torch.ScalarType.Bool);
        for (var i = 0; i < frames; i++)
        {
            var (x, y) = SyntheticClips.SquareCorner(i);
            using var near = mask[i, torch.TensorIndex.Slice(Math.Max(0, y - 6), y + SyntheticClips.SquareSide + 6), torch.TensorIndex.Slice(Math.Max(0, x - 6), x + SyntheticClips.SquareSide + 6)];
            near.fill_(false);
        }

        return mask;
    }
}
