using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media.Tests;

/// <summary>Stopping a read early, by cancellation or by leaving the loop, ends its ffmpeg.</summary>
public sealed class CancellationTests : IDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoReader _reader = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Cancelling_mid_stream_kills_ffmpeg()
    {
        var clip = await WriteClipAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var ffmpeg = new List<int>();
        var chunks = 0;

        var read = async () =>
        {
            await foreach (var chunk in _reader.ReadFramesAsync(clip, new FrameReadRequest(ChunkFrames: 1), cancellation.Token))
            {
                using (chunk)
                {
                    chunks++;
                    if (chunks == 2)
                    {
                        // 49 frames of 12 KiB overflow the pipe: ffmpeg is still running, blocked on us.
                        ffmpeg.AddRange(ChildProcesses.FfmpegReading(clip));
                        await cancellation.CancelAsync();
                    }
                }
            }
        };

        await read.Should().ThrowAsync<OperationCanceledException>();
        ffmpeg.Should().ContainSingle("one ffmpeg was decoding when we cancelled");
        (await ChildProcesses.EventuallyAsync(() => !ChildProcesses.IsAlive(ffmpeg[0]), ExitGrace)).Should().BeTrue("the cancelled ffmpeg is gone");
        chunks.Should().Be(2);
    }

    [Fact]
    public async Task Leaving_the_loop_early_kills_ffmpeg()
    {
        var clip = await WriteClipAsync();
        var ffmpeg = new List<int>();

        await foreach (var chunk in _reader.ReadFramesAsync(clip, new FrameReadRequest(ChunkFrames: 1), TestContext.Current.CancellationToken))
        {
            using (chunk)
            {
                ffmpeg.AddRange(ChildProcesses.FfmpegReading(clip));
                break;
            }
        }

        ffmpeg.Should().ContainSingle();
        ChildProcesses.IsAlive(ffmpeg[0]).Should().BeFalse("disposing the enumerator kills and reaps ffmpeg before returning");
    }

    private async Task<string> WriteClipAsync()
    {
        using var clip = SyntheticClips.MovingSquare();
        var path = _folder.File("long.mp4");
        await new FfmpegVideoWriter().WriteAsync(path, clip, new VideoWriteRequest(24, ContactSheet: false), TestContext.Current.CancellationToken);
        return path;
    }
}
