using FFMpegCore;
using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// An mp4 being written: frames go straight into ffmpeg's stdin (rawvideo rgb24 → libx264 yuv420p, +faststart), so
/// memory holds one appended batch and the contact-sheet tiles only. Appends must come one at a time, in order. A frame
/// batch of the wrong shape is refused and the sink stays usable; a failed or cancelled append or completion ends it
/// (nothing is left at the final path).
/// </summary>
internal sealed class Mp4FrameSink : IVideoFrameSink
{
    private readonly FfmpegBinaries _binaries;
    private readonly Mp4Target _target;
    private readonly int _width;
    private readonly int _height;
    private readonly double _fps;
    private readonly FfmpegProcess _ffmpeg;
    private readonly ContactSheetSampler? _sheet;
    private readonly int _sheetColumns;
    private long _frames;
    private bool _finished;

    private Mp4FrameSink(FfmpegBinaries binaries, Mp4Target target, int width, int height, VideoWriteRequest request, FfmpegProcess ffmpeg)
    {
        (_binaries, _target, _width, _height, _fps, _ffmpeg) = (binaries, target, width, height, request.Fps, ffmpeg);
        _sheetColumns = request.ContactSheetColumns;
        _sheet = request.ContactSheet ? new ContactSheetSampler(request.ContactSheetFrames, ContactSheet.Tile) : null;
    }

    /// <summary>The encoding ffmpeg's process id (for diagnostics and tests).</summary>
    internal int ProcessId => _ffmpeg.Id;

    public static Mp4FrameSink Start(FfmpegBinaries binaries, Mp4Target target, int width, int height, VideoWriteRequest request, int crf)
    {
        var (storedWidth, storedHeight) = (EvenFrameSize.Of(width), EvenFrameSize.Of(height));
        var input = $"-f rawvideo -pix_fmt rgb24 -video_size {storedWidth}x{storedHeight} -framerate {FfmpegSyntax.Number(request.Fps)}";

        // BT.601 limited range is what swscale converts with by default; tagging it lets every player (and our reader)
        // convert back with the same matrix.
        var output = $"-an -c:v libx264 -preset medium -crf {crf} -pix_fmt yuv420p -fps_mode passthrough"
            + " -colorspace bt470bg -color_primaries bt470bg -color_trc smpte170m -color_range tv -movflags +faststart -f mp4";
        var arguments = FFMpegArguments
            .FromUrlInput("pipe:0", options => options.WithCustomArgument(input))
            .OutputToFile(target.TempVideoPath, overwrite: true, options => options.WithCustomArgument(output))
            .Arguments;
        var ffmpeg = FfmpegProcess.Start(binaries.Ffmpeg, $"-hide_banner -nostats -v error {arguments}");
        return new Mp4FrameSink(binaries, target, width, height, request, ffmpeg);
    }

    public async Task AppendAsync(torch.Tensor frames, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        using var batch = RgbFrameBatch.Normalize(frames, _width, _height);
        _sheet?.Offer(batch);
        using var stored = EvenFrameSize.Pad(batch);
        try
        {
            // Pipe writes may ignore the token; killing ffmpeg makes a blocked write fail at once.
            using var stop = cancellationToken.Register(_ffmpeg.Kill);
            await TensorPipe.WriteAsync(_ffmpeg.Input, stored, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // A half-written batch cannot be resumed: the write is over, and nothing reaches the final path.
            await AbandonAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"ffmpeg stopped taking frames for {_target.VideoPath} ({FfmpegLog.Summarize(_ffmpeg.ErrorTail)})", e);
        }

        _frames += batch.shape[0];
    }

    public async Task<VideoInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        try
        {
            if (_frames == 0)
            {
                throw new InvalidOperationException($"no frames were appended to {_target.VideoPath}; an mp4 needs at least one");
            }

            _ffmpeg.CloseInput();
            var exitCode = await _ffmpeg.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new IOException($"ffmpeg failed to encode {_target.VideoPath} (exit code {exitCode}: {FfmpegLog.Summarize(_ffmpeg.ErrorTail)})");
            }

            if (_sheet is not null)
            {
                await WriteSheetAsync(_sheet, cancellationToken).ConfigureAwait(false);
                File.Move(_target.TempSheetPath, _target.SheetPath, overwrite: true);
            }

            // The mp4 appears last, so whoever sees it also finds its sheet.
            MoveVideoIntoPlace();
            await FinishAsync().ConfigureAwait(false);
            var (width, height) = (EvenFrameSize.Of(_width), EvenFrameSize.Of(_height));
            return new VideoInfo(_target.VideoPath, TimeSpan.FromSeconds(_frames / _fps), width, height, _fps, _frames, "h264");
        }
        catch
        {
            await AbandonAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            await AbandonAsync().ConfigureAwait(false);
        }
    }

    private void MoveVideoIntoPlace()
    {
        try
        {
            File.Move(_target.TempVideoPath, _target.VideoPath, overwrite: true);
        }
        catch when (_sheet is not null)
        {
            // No sheet without its video.
            File.Delete(_target.SheetPath);
            throw;
        }
    }

    private async Task WriteSheetAsync(ContactSheetSampler sampler, CancellationToken cancellationToken)
    {
        var tiles = sampler.Pick().Select(k => k.Tile).ToList();
        using var sheet = ContactSheet.Compose(tiles, _sheetColumns);
        await ContactSheet.WritePngAsync(_binaries, sheet, _target.TempSheetPath, cancellationToken).ConfigureAwait(false);
    }

    private async Task AbandonAsync()
    {
        if (_finished)
        {
            return;
        }

        await FinishAsync().ConfigureAwait(false);
        _target.DeleteTemporaries();
    }

    private async Task FinishAsync()
    {
        _finished = true;
        await _ffmpeg.DisposeAsync().ConfigureAwait(false);
        _sheet?.Dispose();
    }
}
