using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media.Tests;

/// <summary>Files that must fail with a <see cref="VideoFormatException"/> naming the file and the problem, and never hang.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoReader _reader = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Missing_file_and_directory_are_refused()
    {
        var missing = await ProbeFailureAsync(_reader, _folder.File("missing.mp4"), "*missing.mp4: file not found");
        missing.InnerException.Should().BeOfType<FileNotFoundException>();
        await ProbeFailureAsync(_reader, _folder.Path, "*: is a directory*");
    }

    [Fact]
    public async Task Empty_random_and_text_files_are_refused()
    {
        var empty = _folder.File("empty.mp4");
        await File.WriteAllBytesAsync(empty, [], Cancel);
        var random = _folder.File("random.mp4");
        var noise = new byte[5000];
        new Random(42).NextBytes(noise);
        await File.WriteAllBytesAsync(random, noise, Cancel);
        var text = _folder.File("notes.txt");
        await File.WriteAllTextAsync(text, "not a video, just some notes\n", Cancel);

        await ProbeFailureAsync(_reader, empty, "*empty.mp4: file is empty (0 bytes)");
        await ProbeFailureAsync(_reader, random, "*random.mp4: not a readable video file (ffprobe: *Invalid data*");
        await ProbeFailureAsync(_reader, text, "*notes.txt: not a readable video file (ffprobe: Invalid data found when processing input)");
    }

    [Fact]
    public async Task Truncated_mp4_fails_at_probe_or_while_decoding()
    {
        var indexAtEnd = _folder.File("index-at-end.mp4");
        await FfmpegCommand.MakeClipWithIndexAtEndAsync(indexAtEnd);
        var faststart = await WriteClipAsync("faststart.mp4");
        await TruncateAsync(indexAtEnd, keep: 0.5);
        await TruncateAsync(faststart, keep: 0.75);

        await ProbeFailureAsync(_reader, indexAtEnd, "*index-at-end.mp4: not a readable video file (ffprobe: *moov atom not found*");
        (await _reader.ProbeAsync(faststart, Cancel)).FrameCount.Should().Be(49, "with the index up front the header still lists every frame");
        var read = () => _reader.ReadAllAsync(faststart, new FrameReadRequest());
        await read.Should().ThrowAsync<VideoFormatException>().WithMessage("*faststart.mp4: decoding failed, the file is corrupt or truncated*");
    }

    [Fact]
    public async Task Audio_only_and_zero_frame_files_are_refused()
    {
        var audio = _folder.File("audio.mp4");
        await FfmpegCommand.RunAsync("ffmpeg", "-y", "-f", "lavfi", "-i", "anullsrc=r=44100", "-t", "1", "-c:a", "aac", audio);
        var source = await WriteClipAsync("source.mp4");
        var zero = _folder.File("zero.mp4");
        await FfmpegCommand.RunAsync("ffmpeg", "-y", "-i", source, "-c", "copy", "-frames:v", "0", "-movflags", "+empty_moov+frag_keyframe", zero);

        await ProbeFailureAsync(_reader, audio, "*audio.mp4: has no video stream*");
        await ProbeFailureAsync(_reader, zero, "*zero.mp4: video stream has zero frames");
    }

    [Theory]
    [InlineData("http://example.com/clip.mp4")]
    [InlineData("https://example.com/clip.mp4")]
    [InlineData("file:/tmp/clip.mp4")]
    [InlineData("concat:/tmp/a.mp4|/tmp/b.mp4")]
    [InlineData("pipe:0")]
    [InlineData("data:video/mp4;base64,AAAA")]
    [InlineData("subfile,,start,0,end,100,,:/tmp/clip.mp4")]
    public async Task Urls_and_protocol_prefixes_are_refused(string path)
    {
        await ProbeFailureAsync(_reader, path, "*only local files can be read*");
        var read = () => _reader.ReadAllAsync(path, new FrameReadRequest());
        await read.Should().ThrowAsync<VideoFormatException>().WithMessage("*only local files can be read*");
    }

    [Fact]
    public async Task Playlists_and_concat_lists_are_refused_even_when_they_point_at_a_real_clip()
    {
        await WriteClipAsync("real.mp4");
        var playlist = _folder.File("list.m3u8");
        await File.WriteAllTextAsync(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:2.0,\nreal.mp4\n#EXT-X-ENDLIST\n", Cancel);
        var disguised = _folder.File("playlist.mp4");
        File.Copy(playlist, disguised);
        var concat = _folder.File("list.ffconcat");
        await File.WriteAllTextAsync(concat, "ffconcat version 1.0\nfile 'real.mp4'\nfile 'real.mp4'\n", Cancel);

        await ProbeFailureAsync(_reader, playlist, "*list.m3u8: container 'hls' is not allowed*");
        await ProbeFailureAsync(_reader, disguised, "*playlist.mp4: container 'hls' is not allowed*");
        await ProbeFailureAsync(_reader, concat, "*list.ffconcat: container 'concat' is not allowed*");
    }

    [Fact]
    public async Task Containers_outside_the_allow_list_are_refused()
    {
        var source = await WriteClipAsync("source.mp4");
        var avi = _folder.File("clip.avi");
        await FfmpegCommand.RunAsync("ffmpeg", "-y", "-i", source, "-c", "copy", avi);

        await ProbeFailureAsync(_reader, avi, "*clip.avi: container 'avi' is not allowed (allowed: mp4/mov and matroska/webm*");
    }

    [Fact]
    public async Task Frames_over_the_pixel_limit_and_videos_over_the_duration_limit_are_refused()
    {
        var clip = await WriteClipAsync("clip.mp4");
        var smallFrames = Reader(new MediaLimits { MaxPixelsPerFrame = 1000 });
        var shortVideos = Reader(new MediaLimits { MaxDuration = TimeSpan.FromSeconds(1) });

        await ProbeFailureAsync(smallFrames, clip, "*clip.mp4: frame size 64×64 = 4096 pixels exceeds the limit of 1000 pixels per frame");
        await ProbeFailureAsync(shortVideos, clip, "*clip.mp4: duration 0:00:02.04* exceeds the limit of 0:00:01");
        var read = () => smallFrames.ReadAllAsync(clip, new FrameReadRequest());
        await read.Should().ThrowAsync<VideoFormatException>().WithMessage("*exceeds the limit of 1000 pixels*");
    }

    [Fact]
    public async Task Probe_and_decode_time_limits_stop_ffprobe_and_ffmpeg()
    {
        var clip = await WriteClipAsync("slow.mp4");
        var hastyProbe = Reader(new MediaLimits { ProbeTimeout = TimeSpan.FromMilliseconds(1) });
        var hastyDecode = Reader(new MediaLimits { DecodeTimeout = TimeSpan.FromMilliseconds(1) });

        await ProbeFailureAsync(hastyProbe, clip, "*slow.mp4: probing took longer than the limit of 0:00:00.001");
        var read = () => hastyDecode.ReadAllAsync(clip, new FrameReadRequest());
        await read.Should().ThrowAsync<VideoFormatException>().WithMessage("*slow.mp4: decoding took longer than the limit of 0:00:00.001");
        ChildProcesses.FfmpegReading(clip).Should().BeEmpty("the timed-out ffmpeg was killed and reaped");
    }

    [Fact]
    public async Task Decode_limit_counts_only_the_time_spent_waiting_for_ffmpeg()
    {
        var clip = await WriteClipAsync("consumed-slowly.mp4");
        var reader = Reader(new MediaLimits { DecodeTimeout = TimeSpan.FromSeconds(1.5) });
        var frames = 0L;

        // 5 chunks held for 0.4 s each: 2 s in the caller's hands, far more than ffmpeg needs.
        await foreach (var chunk in reader.ReadFramesAsync(clip, new FrameReadRequest(ChunkFrames: 10), Cancel))
        {
            using (chunk)
            {
                frames += chunk.shape[0];
                await Task.Delay(400, Cancel);
            }
        }

        frames.Should().Be(49);
    }

    private static FfmpegVideoReader Reader(MediaLimits limits) => new(new MediaOptions { Limits = limits });

    private static async Task<VideoFormatException> ProbeFailureAsync(IVideoReader reader, string path, string message)
    {
        var probe = () => reader.ProbeAsync(path, Cancel);
        return (await probe.Should().ThrowAsync<VideoFormatException>().WithMessage(message)).Which;
    }

    private async Task<string> WriteClipAsync(string name)
    {
        using var clip = SyntheticClips.MovingSquare();
        var path = _folder.File(name);
        await new FfmpegVideoWriter().WriteAsync(path, clip, new VideoWriteRequest(24, ContactSheet: false), Cancel);
        return path;
    }

    private static async Task TruncateAsync(string path, double keep)
    {
        var bytes = await File.ReadAllBytesAsync(path, Cancel);
        await File.WriteAllBytesAsync(path, bytes[..(int)(bytes.Length * keep)], Cancel);
    }
}
