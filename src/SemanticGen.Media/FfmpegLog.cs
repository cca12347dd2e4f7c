using System.Text.RegularExpressions;

namespace SemanticGen.Media;

/// <summary>Turns ffmpeg/ffprobe stderr into a short problem text for exception messages.</summary>
internal static partial class FfmpegLog
{
    private const int LinesShown = 4;

    /// <summary>
    /// The last few distinct lines, "[h264 @ 0x55…] msg" shortened to "h264: msg" and "/path/of/input: msg" to "msg"
    /// (the exception names the file already).
    /// </summary>
    public static string Summarize(IEnumerable<string> lines, string? inputPath = null)
    {
        var cleaned = lines
            .Select(line => ContextPrefix().Replace(line.Trim(), "$1: "))
            .Select(line => inputPath is not null && line.StartsWith(inputPath + ": ", StringComparison.Ordinal) ? line[(inputPath.Length + 2)..] : line)
            .Where(line => line.Length > 0)
            .Distinct()
            .TakeLast(LinesShown)
            .ToList();
        return cleaned.Count == 0 ? "no error output" : string.Join("; ", cleaned);
    }

    [GeneratedRegex(@"^\[([^\]\s]+) @ 0x[0-9a-fA-F]+\]\s*")]
    private static partial Regex ContextPrefix();
}
