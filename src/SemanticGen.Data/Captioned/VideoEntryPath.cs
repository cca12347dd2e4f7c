namespace SemanticGen.Data.Captioned;

/// <summary>
/// The rule for the "video" field of captions.jsonl: a relative path that stays inside the folder, so a
/// dataset can be moved or copied as one directory and never reads files outside it.
/// </summary>
internal static class VideoEntryPath
{
    /// <summary>
    /// The absolute path of <paramref name="video"/> inside <paramref name="folder"/> (an absolute, normalised
    /// directory path), or null with <paramref name="problem"/> saying why it is not allowed.
    /// </summary>
    public static string? Resolve(string folder, string video, out string? problem)
    {
        problem = null;
        if (video.Trim().Length == 0)
            problem = "\"video\" is empty";
        else if (Path.IsPathRooted(video) || video.StartsWith('/') || video.StartsWith('\\'))
            problem = $"\"video\" must be a path relative to the folder, found absolute path '{video}'";
        else if (video.Contains('\\'))
            problem = $"\"video\" must use '/' separators, found '{video}'";
        else if (video.Contains(':') || video.Any(char.IsControl))
            problem = $"\"video\" '{video}' contains ':' or a control character (drive letters and URLs are not allowed)";
        if (problem is not null)
            return null;

        var full = Path.GetFullPath(Path.Combine(folder, video));
        var root = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            problem = $"\"video\" '{video}' escapes the folder";
            return null;
        }

        return full;
    }
}
