using System.Globalization;

namespace SemanticGen.Media;

/// <summary>Numbers written the way ffmpeg parses them, whatever the current culture.</summary>
internal static class FfmpegSyntax
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan value) => Number(value.TotalSeconds);
}
