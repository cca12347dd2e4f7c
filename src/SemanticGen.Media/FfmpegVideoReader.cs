using System.Runtime.CompilerServices;
using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// <see cref="IVideoReader"/> on ffprobe/ffmpeg: probes with FFMpegCore and decodes to rgb24 through ffmpeg's stdout,
/// local files in the allowed containers only, under <see cref="MediaOptions.Limits"/>.
/// </summary>
public sealed class FfmpegVideoReader : IVideoReader
{
    private readonly FfmpegBinaries _binaries;
    private readonly MediaLimits _limits;
    private readonly VideoProber _prober;

    /// <summary>A reader with <paramref name="options"/> (checked now; later changes to the instance are not seen).</summary>
    public FfmpegVideoReader(MediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _binaries = FfmpegBinaries.In(options.BinaryFolder);
        _limits = options.Limits;
        _prober = new VideoProber(_binaries, _limits);
    }

    /// <summary>A reader with default options (ffmpeg on PATH, default limits).</summary>
    public FfmpegVideoReader()
        : this(new MediaOptions())
    {
    }

    /// <inheritdoc />
    public async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default) =>
        (await _prober.ProbeAsync(path, cancellationToken).ConfigureAwait(false)).Info;

    /// <inheritdoc />
    public IAsyncEnumerable<torch.Tensor> ReadFramesAsync(string path, FrameReadRequest request, CancellationToken cancellationToken = default)
    {
        FrameReadPlan.Validate(request, _limits);
        return ReadChunksAsync(path, request, cancellationToken);
    }

    private async IAsyncEnumerable<torch.Tensor> ReadChunksAsync(
        string path, FrameReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var video = await _prober.ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        var plan = FrameReadPlan.Create(video, request, _limits);
        await using var decoding = FrameDecoding.Start(_binaries, video, plan, _limits.DecodeTimeout, cancellationToken);
        while (await decoding.ReadChunkAsync().ConfigureAwait(false) is { } chunk)
        {
            yield return chunk;
        }
    }
}
