using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SemanticGen.Data.Captioned;

/// <summary>
/// Writes captions.jsonl for a captioned video folder (e.g. <c>data synth</c>), one
/// <c>{"video": ..., "caption": ...}</c> object per line, UTF-8, '\n' line ends. It refuses what
/// <see cref="CaptionedVideoFolder.Load"/> would reject — a video path that is absolute or leaves the folder,
/// a repeated video, an empty caption — so a written folder always loads once its videos exist.
/// </summary>
public sealed class CaptionsJsonlWriter : IDisposable
{
    // Relaxed escaping keeps captions readable (no \u0027 for apostrophes); JSON stays valid.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _folder;
    private readonly StreamWriter _writer;
    private readonly HashSet<string> _videos = new(StringComparer.Ordinal);

    /// <summary>Creates (or replaces) the captions file at <paramref name="path"/>.</summary>
    public CaptionsJsonlWriter(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _folder = System.IO.Path.GetDirectoryName(Path)!;
        _writer = new StreamWriter(Path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Entries written so far.</summary>
    public int Count => _videos.Count;

    /// <summary>Appends one line; <paramref name="video"/> is relative to the folder of the captions file.</summary>
    public void Write(string video, string caption)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(caption);
        // Existence is not checked: the video may be written after its caption line.
        var full = VideoEntryPath.Resolve(_folder, video, out var problem)
            ?? throw new ArgumentException(problem, nameof(video));
        if (caption.Trim().Length == 0)
            throw new ArgumentException("caption is empty", nameof(caption));
        if (!_videos.Add(full))
            throw new ArgumentException($"video '{video}' was already written", nameof(video));

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("video", video);
            json.WriteString("caption", caption);
            json.WriteEndObject();
        }

        _writer.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Flushes written lines to disk.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
