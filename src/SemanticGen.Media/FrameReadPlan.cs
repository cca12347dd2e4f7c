using FFMpegCore;
using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>
/// How one <see cref="FrameReadRequest"/> is decoded: the output size, the chunk length and the ffmpeg command line that
/// writes exactly Width×Height rgb24 frames to stdout.
/// </summary>
internal sealed record FrameReadPlan(int Width, int Height, int ChunkFrames, string Arguments)
{
    // bicubic (antialiased when shrinking) with exact rounding and full-resolution chroma, for the least colour bleeding.
    private const string ScaleFlags = "flags=bicubic+accurate_rnd+full_chroma_int";

    public long FrameBytes => (long)Width * Height * 3;

    /// <summary>Throws <see cref="ArgumentException"/> for a request that no file could satisfy.</summary>
    public static void Validate(FrameReadRequest request, MediaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Fps is { } fps && !(double.IsFinite(fps) && fps > 0))
        {
            throw new ArgumentException($"Fps must be positive, found {fps}", nameof(request));
        }

        if (request.Width.HasValue != request.Height.HasValue)
        {
            throw new ArgumentException($"give both Width and Height or neither, found {request.Width?.ToString() ?? "null"}×{request.Height?.ToString() ?? "null"}", nameof(request));
        }

        if (request is { Width: { } width, Height: { } height }
            && (width <= 0 || height <= 0 || (long)width * height > limits.MaxPixelsPerFrame))
        {
            throw new ArgumentException($"Width×Height must be positive and at most {limits.MaxPixelsPerFrame} pixels, found {width}×{height}", nameof(request));
        }

        if (!Enum.IsDefined(request.Fit))
        {
            throw new ArgumentException($"unknown Fit {request.Fit}", nameof(request));
        }

        if (request.ChunkFrames <= 0)
        {
            throw new ArgumentException($"ChunkFrames must be positive, found {request.ChunkFrames}", nameof(request));
        }

        if (request.MaxFrames is <= 0)
        {
            throw new ArgumentException($"MaxFrames must be positive, found {request.MaxFrames}", nameof(request));
        }
    }

    public static FrameReadPlan Create(ProbedVideo video, FrameReadRequest request, MediaLimits limits)
    {
        Validate(request, limits);
        var width = request.Width ?? video.Info.Width;
        var height = request.Height ?? video.Info.Height;

        // Tensor.bytes spans at most int.MaxValue bytes, so a chunk of huge frames holds fewer of them.
        var frameBytes = (long)width * height * 3;
        var chunkFrames = (int)Math.Min(request.ChunkFrames, Math.Max(1, int.MaxValue / frameBytes));

        var input = $"-protocol_whitelist file -format_whitelist {AllowedContainers.Whitelist} -f {video.Demuxer} -max_pixels {limits.MaxPixelsPerFrame}";
        var frameLimit = request.MaxFrames is { } most ? $" -frames:v {most}" : string.Empty;
        var output = $"-map 0:{video.StreamIndex} -an -sn -dn -vf {Filters(request, width, height)} -fps_mode passthrough"
            + $" -t {FfmpegSyntax.Seconds(limits.MaxDuration)}{frameLimit} -f rawvideo -pix_fmt rgb24";
        var arguments = FFMpegArguments
            .FromFileInput(video.Info.Path, verifyExists: false, options => options.WithCustomArgument(input))
            .OutputToUrl("pipe:1", options => options.WithCustomArgument(output))
            .Arguments;

        // -xerror: a corrupt or truncated file stops with an error instead of quietly yielding fewer frames.
        return new FrameReadPlan(width, height, chunkFrames, $"-hide_banner -nostdin -nostats -v error -xerror {arguments}");
    }

    /// <summary>
    /// fps resampling first (round=up: output frame k is the last source frame at or before k / fps), then scaling.
    /// The scale is explicit even at the source size, so a stream that changes resolution midway still yields frames of
    /// exactly Width×Height. Crop and pad run on rgb24, so a centre offset is exact (no chroma rounding).
    /// </summary>
    private static string Filters(FrameReadRequest request, int width, int height)
    {
        var filters = new List<string>();
        if (request.Fps is { } fps)
        {
            filters.Add($"fps=fps={FfmpegSyntax.Number(fps)}:round=up");
        }

        if (request.Fit == FrameFit.Pad)
        {
            filters.Add($"scale={width}:{height}:force_original_aspect_ratio=decrease:{ScaleFlags}");
            filters.Add("format=rgb24");
            filters.Add($"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black");
        }
        else
        {
            filters.Add($"scale={width}:{height}:force_original_aspect_ratio=increase:{ScaleFlags}");
            filters.Add("format=rgb24");
            filters.Add($"crop={width}:{height}");
        }

        return string.Join(",", filters);
    }
}
