using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Exceptions;
using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>
/// Probes a local file with ffprobe (FFMpegCore's <see cref="FFProbe.AnalyseAsync(string, FFOptions?, string?, CancellationToken)"/>)
/// under the <see cref="MediaLimits"/>, and checks the result: an allowed container, a video stream, frames, size and
/// duration within the limits. Every failure is a <see cref="VideoFormatException"/> naming the file.
/// </summary>
internal sealed partial class VideoProber(FfmpegBinaries binaries, MediaLimits limits)
{
    public async Task<ProbedVideo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var fullPath = LocalVideoPath.Resolve(path);
        using var timeout = new CancellationTokenSource(limits.ProbeTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        // -protocol_whitelist: the file may not make ffprobe open anything but local files; -format_whitelist: nor be
        // read as a playlist or list; -max_pixels: nor make a decoder allocate a frame over the limit.
        var guard = $"-protocol_whitelist file -format_whitelist {AllowedContainers.Whitelist} -max_pixels {limits.MaxPixelsPerFrame}";
        var analysis = await AnalyseAsync(fullPath, guard, timeout, linked.Token, cancellationToken).ConfigureAwait(false);

        if (!AllowedContainers.Allows(analysis.Format.FormatName))
        {
            throw new VideoFormatException(fullPath,
                $"container '{analysis.Format.FormatName}' is not allowed (allowed: {AllowedContainers.Description})");
        }

        var stream = analysis.VideoStreams
            .Where(s => !(s.Disposition?.GetValueOrDefault("attached_pic") ?? false))
            .OrderBy(s => s.Index)
            .FirstOrDefault()
            ?? throw new VideoFormatException(fullPath, "has no video stream (audio-only, cover art only, or not a video)");

        // ffmpeg turns frames upright (autorotate) when decoding, so a quarter-turned stream is reported turned too.
        var (width, height) = Math.Abs(stream.Rotation) % 180 == 90
            ? (stream.Height ?? 0, stream.Width ?? 0)
            : (stream.Width ?? 0, stream.Height ?? 0);
        if (width <= 0 || height <= 0)
        {
            throw new VideoFormatException(fullPath, $"video stream has no valid frame size ({width}×{height})");
        }

        CheckPixels(fullPath, width, height);
        var frameRate = FrameRateOf(stream) ?? throw new VideoFormatException(fullPath, "video stream has no valid frame rate");
        var duration = stream.Duration > TimeSpan.Zero ? stream.Duration : analysis.Format.Duration;
        if (duration > limits.MaxDuration)
        {
            throw new VideoFormatException(fullPath,
                string.Create(CultureInfo.InvariantCulture, $"duration {duration:g} exceeds the limit of {limits.MaxDuration:g}"));
        }

        var frameCount = HeaderFrameCount(analysis, stream.Index)
            ?? await CountPacketsAsync(fullPath, guard, stream.Index, timeout, linked.Token, cancellationToken).ConfigureAwait(false)
            ?? (long)Math.Round(duration.TotalSeconds * frameRate);
        if (frameCount <= 0)
        {
            throw new VideoFormatException(fullPath, "video stream has zero frames");
        }

        var info = new VideoInfo(fullPath, duration, width, height, frameRate, frameCount, stream.CodecName ?? "unknown");
        return new ProbedVideo(info, AllowedContainers.ForcedName(analysis.Format.FormatName), stream.Index);
    }

    private void CheckPixels(string fullPath, long width, long height)
    {
        if (width * height > limits.MaxPixelsPerFrame)
        {
            throw new VideoFormatException(fullPath,
                $"frame size {width}×{height} = {width * height} pixels exceeds the limit of {limits.MaxPixelsPerFrame} pixels per frame");
        }
    }

    private static double? FrameRateOf(VideoStream stream) =>
        new[] { stream.AverageFrameRate, stream.RealFrameRate }.Where(r => double.IsFinite(r) && r > 0).Cast<double?>().FirstOrDefault();

    /// <summary>nb_frames, the container's own count (mp4/mov have it; Matroska does not). FFMpegCore keeps it as extension data.</summary>
    private static long? HeaderFrameCount(IMediaAnalysis analysis, int streamIndex) => RawCount(analysis, streamIndex, "nb_frames");

    /// <summary>ffprobe -count_packets: demuxes the whole stream (no decoding) and counts its packets.</summary>
    private async Task<long?> CountPacketsAsync(
        string fullPath, string guard, int streamIndex, CancellationTokenSource timeout, CancellationToken token, CancellationToken callerToken)
    {
        var arguments = $"{guard} -count_packets -select_streams {streamIndex}";
        var analysis = await AnalyseAsync(fullPath, arguments, timeout, token, callerToken).ConfigureAwait(false);
        return RawCount(analysis, streamIndex, "nb_read_packets");
    }

    private static long? RawCount(IMediaAnalysis analysis, int streamIndex, string field)
    {
        var raw = analysis.Raw?.Streams?.FirstOrDefault(s => s.Index == streamIndex);
        if (raw?.ExtensionData is null || !raw.ExtensionData.TryGetValue(field, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    private async Task<IMediaAnalysis> AnalyseAsync(
        string fullPath, string arguments, CancellationTokenSource timeout, CancellationToken token, CancellationToken callerToken)
    {
        try
        {
            return await FFProbe.AnalyseAsync(fullPath, binaries.ProbeOptions, arguments, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !callerToken.IsCancellationRequested)
        {
            // A killed ffprobe may surface as any exception; which token fired decides what it means.
            callerToken.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                throw new VideoFormatException(fullPath, string.Create(CultureInfo.InvariantCulture, $"probing took longer than the limit of {limits.ProbeTimeout:g}"), e);
            }

            throw new VideoFormatException(fullPath, ProblemOf(e, fullPath), e);
        }
    }

    private string ProblemOf(Exception e, string fullPath)
    {
        if (e is not FFProbeProcessException process)
        {
            return $"not a readable video file ({e.Message})";
        }

        var stderr = string.Join("\n", process.StandardError);
        if (PixelLimitMessage().Match(stderr) is { Success: true } pixels)
        {
            var (width, height) = (long.Parse(pixels.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(pixels.Groups[2].Value, CultureInfo.InvariantCulture));
            return $"frame size {width}×{height} = {width * height} pixels exceeds the limit of {limits.MaxPixelsPerFrame} pixels per frame";
        }

        if (NotWhitelistedMessage().Match(stderr) is { Success: true } format)
        {
            return $"container '{format.Groups[1].Value}' is not allowed (allowed: {AllowedContainers.Description}; playlists, concat lists and image sequences are refused)";
        }

        return $"not a readable video file (ffprobe: {FfmpegLog.Summarize(process.StandardError, fullPath)})";
    }

    [GeneratedRegex(@"Picture size (\d+)x(\d+) exceeds specified max pixel count")]
    private static partial Regex PixelLimitMessage();

    [GeneratedRegex(@"\[([^\]\s]+) @ 0x[0-9a-fA-F]+\] Format not on whitelist")]
    private static partial Regex NotWhitelistedMessage();
}
