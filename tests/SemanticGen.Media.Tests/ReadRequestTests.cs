using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media.Tests;

public sealed class ReadRequestTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoReader _reader = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<FrameReadRequest, string> BadRequests => new()
    {
        { new FrameReadRequest(Fps: 0), "Fps must be positive*" },
        { new FrameReadRequest(Fps: double.NaN), "Fps must be positive*" },
        { new FrameReadRequest(Width: 64), "give both Width and Height or neither*" },
        { new FrameReadRequest(Width: 0, Height: 64), "Width×Height must be positive*" },
        { new FrameReadRequest(Width: 100_000, Height: 100_000), "*at most 16777216 pixels*" },
        { new FrameReadRequest(ChunkFrames: 0), "ChunkFrames must be positive*" },
        { new FrameReadRequest(MaxFrames: 0), "MaxFrames must be positive*" },
        { new FrameReadRequest(Fit: (FrameFit)7), "unknown Fit*" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_requests_fail_at_once_without_touching_the_file(FrameReadRequest request, string message)
    {
        var read = () => _reader.ReadFramesAsync(_folder.File("never-opened.mp4"), request, TestContext.Current.CancellationToken);

        read.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public async Task Matroska_has_no_frame_count_in_its_header_so_packets_are_counted()
    {
        using var clip = SyntheticClips.ColourRamp(width: 32, height: 32);
        var mp4 = _folder.File("source.mp4");
        await new FfmpegVideoWriter().WriteAsync(mp4, clip, new VideoWriteRequest(24, ContactSheet: false), TestContext.Current.CancellationToken);
        var mkv = _folder.File("clip.mkv");
        await FfmpegCommand.RunAsync("ffmpeg", "-y", "-i", mp4, "-c", "copy", mkv);

        var info = await _reader.ProbeAsync(mkv, TestContext.Current.CancellationToken);
        var (frames, _) = await _reader.ReadAllAsync(mkv, new FrameReadRequest(Fps: 1.6));

        info.Should().BeEquivalentTo(new { Width = 32, Height = 32, FrameRate = 24.0, FrameCount = 49L, Codec = "h264" });
        using (frames)
        {
            frames.shape[0].Should().Be(4, "resampling does not depend on the container");
        }
    }

    [Fact]
    public async Task Quarter_turned_videos_are_reported_and_read_upright()
    {
        using var clip = SyntheticClips.VerticalBands(frames: 2, width: 48, height: 16);
        var stored = _folder.File("stored.mp4");
        await new FfmpegVideoWriter().WriteAsync(stored, clip, new VideoWriteRequest(24, ContactSheet: false), TestContext.Current.CancellationToken);
        var rotated = _folder.File("rotated.mp4");
        await FfmpegCommand.RunAsync("ffmpeg", "-y", "-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated);

        var info = await _reader.ProbeAsync(rotated, TestContext.Current.CancellationToken);
        var (frames, _) = await _reader.ReadAllAsync(rotated, new FrameReadRequest());

        (info.Width, info.Height).Should().Be((16, 48));
        using (frames)
        {
            frames.shape.Should().Equal(2, 48, 16, 3);
            frames[0, 24, 8].ShouldBeNear([0, 255, 0], 40, "the middle band stays in the middle");
            frames[0, 2, 8].ShouldBeNear([0, 0, 255], 40, "a quarter turn clockwise puts the right (blue) band on top");
        }
    }
}
