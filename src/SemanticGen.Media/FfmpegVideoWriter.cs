using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>
/// <see cref="IVideoWriter"/> on ffmpeg/libx264: H.264 yuv420p mp4 (+faststart) written to a hidden temporary file in the
/// target folder and renamed into place on completion, plus an optional PNG contact sheet beside it (clip.mp4 → clip.png).
/// </summary>
public sealed class FfmpegVideoWriter : IVideoWriter
{
    private readonly FfmpegBinaries _binaries;
    private readonly int _defaultCrf;

    /// <summary>A writer with <paramref name="options"/> (checked now; later changes to the instance are not seen).</summary>
    public FfmpegVideoWriter(MediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _binaries = FfmpegBinaries.In(options.BinaryFolder);
        _defaultCrf = options.DefaultCrf;
    }

    /// <summary>A writer with default options (ffmpeg on PATH, crf 16).</summary>
    public FfmpegVideoWriter()
        : this(new MediaOptions())
    {
    }

    /// <inheritdoc />
    public Task<IVideoFrameSink> OpenAsync(string path, int width, int height, VideoWriteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!double.IsFinite(request.Fps) || request.Fps <= 0)
        {
            throw new ArgumentException($"Fps must be positive, found {request.Fps}", nameof(request));
        }

        if (request.ContactSheet && (request.ContactSheetColumns <= 0 || request.ContactSheetFrames <= 0))
        {
            throw new ArgumentException(
                $"ContactSheetColumns and ContactSheetFrames must be positive, found {request.ContactSheetColumns} and {request.ContactSheetFrames}",
                nameof(request));
        }

        var crf = request.Crf ?? _defaultCrf;
        if (crf is < 0 or > 51)
        {
            throw new ArgumentException($"Crf must be within 0–51, found {crf}", nameof(request));
        }

        var target = Mp4Target.For(path);
        return Task.FromResult<IVideoFrameSink>(Mp4FrameSink.Start(_binaries, target, width, height, request, crf));
    }
}
