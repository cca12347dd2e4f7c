namespace SemanticGen.Media;

/// <summary>
/// The only demuxers ffmpeg/ffprobe may use on a file: ISO BMFF/QuickTime (mp4, mov, m4v, 3gp…) and Matroska/WebM.
/// Everything else is refused, in particular formats that pull other resources (hls/m3u8 playlists, concat/ffconcat
/// lists, image2 sequence patterns, lavfi, tty, …). AVI and MPEG-TS are left out too: their frame counts and rates are
/// unreliable (AVI with B-frames reports doubled counts), which the data pipeline depends on.
/// </summary>
internal static class AllowedContainers
{
    /// <summary>ffmpeg demuxer names, exactly as ffprobe reports them in format_name.</summary>
    public static readonly IReadOnlyList<string> DemuxerNames = ["mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"];

    /// <summary>For ffmpeg's -format_whitelist: the demuxer refuses to open anything else, before reading a header.</summary>
    public static readonly string Whitelist = string.Join(",", DemuxerNames);

    public const string Description = "mp4/mov and matroska/webm";

    public static bool Allows(string? formatName) => formatName is not null && DemuxerNames.Contains(formatName);

    /// <summary>The short name to force with -f ("mov", "matroska"), so decoding uses exactly the probed demuxer.</summary>
    public static string ForcedName(string formatName) => formatName.Split(',')[0];
}
