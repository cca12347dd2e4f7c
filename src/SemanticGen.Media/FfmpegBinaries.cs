using FFMpegCore;

namespace SemanticGen.Media;

/// <summary>Where ffmpeg and ffprobe are, resolved once through FFMpegCore's own rules (a folder, or PATH).</summary>
internal sealed record FfmpegBinaries(string Ffmpeg, string Ffprobe, FFOptions ProbeOptions)
{
    public static FfmpegBinaries In(string? folder)
    {
        // Our own FFOptions instance, so nothing here touches FFMpegCore's process-wide GlobalFFOptions.
        var options = new FFOptions { BinaryFolder = folder ?? string.Empty };
        return new FfmpegBinaries(GlobalFFOptions.GetFFMpegBinaryPath(options), GlobalFFOptions.GetFFProbeBinaryPath(options), options);
    }
}
