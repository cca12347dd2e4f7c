using System.Text.Json;

namespace SemanticGen.Data.Captioned;

/// <summary>
/// A captioned video folder, the general training data source: <c>DIR/*.mp4</c> with <c>DIR/captions.jsonl</c>,
/// one JSON object per line, <c>{"video": "clip.mp4", "caption": "..."}</c>.
/// </summary>
/// <remarks>
/// Reading is strict so a bad dataset fails at load, not hours into training. Each non-blank line must be one
/// JSON object with a string "video" and a non-empty string "caption", no key twice; other keys are ignored
/// (room for later fields). Blank (white-space) lines are skipped. "video" must be a relative path inside the
/// folder ('/' separators, no absolute path, no escape through ".."), name an existing file, and not repeat an
/// earlier line's file. Any violation is a <see cref="DatasetFormatException"/> naming captions.jsonl and the
/// 1-based line. A file without entries is an error too.
/// </remarks>
public sealed record CaptionedVideoFolder(string Directory, IReadOnlyList<CaptionedVideo> Videos)
{
    /// <summary>The captions file name inside the folder.</summary>
    public const string CaptionsFileName = "captions.jsonl";

    /// <summary>Loads <paramref name="directory"/>/captions.jsonl and checks every entry (see remarks).</summary>
    public static CaptionedVideoFolder Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var folder = Path.GetFullPath(directory);
        var captionsPath = Path.Combine(folder, CaptionsFileName);
        if (!System.IO.Directory.Exists(folder))
            throw new DatasetFormatException(folder, null, "the captioned video folder does not exist");
        if (!File.Exists(captionsPath))
            throw new DatasetFormatException(captionsPath, null, $"missing: a captioned video folder needs {CaptionsFileName}");

        var videos = new List<CaptionedVideo>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(captionsPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var (video, caption) = ReadLine(captionsPath, lineNumber, line);
            var full = VideoEntryPath.Resolve(folder, video, out var problem)
                ?? throw new DatasetFormatException(captionsPath, lineNumber, problem!);
            if (seen.TryGetValue(full, out var first))
                throw new DatasetFormatException(captionsPath, lineNumber, $"duplicate video '{video}' (first on line {first})");
            if (!File.Exists(full))
                throw new DatasetFormatException(captionsPath, lineNumber, $"video '{video}' does not exist ({full})");
            seen[full] = lineNumber;
            videos.Add(new CaptionedVideo(video, full, caption));
        }

        if (videos.Count == 0)
            throw new DatasetFormatException(captionsPath, null, "no captioned videos (the file has no entries)");
        return new CaptionedVideoFolder(folder, videos);
    }

    private static (string Video, string Caption) ReadLine(string path, int lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, lineNumber, $"malformed JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, lineNumber, $"expected a JSON object, found {root.ValueKind}");
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!keys.Add(property.Name))
                    throw new DatasetFormatException(path, lineNumber, $"key \"{property.Name}\" appears twice");
            }

            var video = RequiredString(root, "video", path, lineNumber);
            var caption = RequiredString(root, "caption", path, lineNumber);
            if (caption.Trim().Length == 0)
                throw new DatasetFormatException(path, lineNumber, "\"caption\" is empty");
            return (video, caption);
        }
    }

    private static string RequiredString(JsonElement root, string name, string path, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new DatasetFormatException(path, lineNumber, $"missing \"{name}\"");
        if (value.ValueKind != JsonValueKind.String)
            throw new DatasetFormatException(path, lineNumber, $"\"{name}\" must be a string, found {value.ValueKind}");
        return value.GetString()!;
    }
}
