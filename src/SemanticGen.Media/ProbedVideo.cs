using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>A probe's public <see cref="VideoInfo"/> plus what decoding needs: the demuxer to force and the stream to map.</summary>
/// <param name="Info">What the caller sees.</param>
/// <param name="Demuxer">Short ffmpeg demuxer name for -f ("mov", "matroska").</param>
/// <param name="StreamIndex">Absolute index of the chosen video stream (cover art is skipped).</param>
internal sealed record ProbedVideo(VideoInfo Info, string Demuxer, int StreamIndex);
