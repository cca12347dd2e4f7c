using System.Text.RegularExpressions;
using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>
/// Accepts only paths of existing, non-empty local files, as absolute paths. ffmpeg reads "name:" and "subfile," prefixes
/// as protocols (http:, file:, concat:, pipe:, data:, …); those are refused outright, and an absolute path starts with '/',
/// so what reaches ffmpeg can never be taken for one. ffmpeg also runs with -protocol_whitelist file.
/// </summary>
internal static partial class LocalVideoPath
{
    public static string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new VideoFormatException(path ?? string.Empty, "no path given");
        }

        if (ProtocolPrefix().IsMatch(path) && !IsWindowsDrivePath(path))
        {
            throw new VideoFormatException(path,
                "only local files can be read; URLs and ffmpeg protocol prefixes (http:, file:, concat:, pipe:, subfile, …) are refused");
        }

        ThrowIfUnsafeForCommandLine(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new VideoFormatException(fullPath, "is a directory, not a video file");
        }

        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            throw new VideoFormatException(fullPath, "file not found", new FileNotFoundException("file not found", fullPath));
        }

        // Also catches FIFOs and devices (/dev/zero, a named pipe), whose size is 0 and which could block or never end.
        if (file.Length == 0)
        {
            throw new VideoFormatException(fullPath, "file is empty (0 bytes)");
        }

        return fullPath;
    }

    /// <summary>
    /// FFMpegCore puts paths between double quotes without escaping: a quote (or a backslash before the closing quote)
    /// would let a path add ffmpeg arguments, so such paths are refused.
    /// </summary>
    public static void ThrowIfUnsafeForCommandLine(string path)
    {
        if (path.IndexOfAny(['"', '\0', '\n', '\r']) >= 0 || path.EndsWith('\\'))
        {
            throw new VideoFormatException(path,
                "the path contains a double quote, NUL, line break or trailing backslash, which cannot be passed to ffmpeg safely");
        }
    }

    private static bool IsWindowsDrivePath(string path) =>
        OperatingSystem.IsWindows() && path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/';

    [GeneratedRegex(@"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|subfile,)", RegexOptions.IgnoreCase)]
    private static partial Regex ProtocolPrefix();
}
