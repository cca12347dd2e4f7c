using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Training;

/// <summary>One line of <c>loss.jsonl</c>; <paramref name="GradientNorm"/> (the global gradient norm before clipping) only when the run clips.</summary>
public sealed record LossLogEntry(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("grad_norm"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? GradientNorm = null);

/// <summary>
/// The loss log as JSON lines, appended and flushed once per step. Opening it for a run that resumes at step S first
/// drops every entry after S (and any torn last line), so steps re-run after a resume are never listed twice.
/// </summary>
public sealed class LossLog : IDisposable
{
    private readonly StreamWriter _writer;

    private LossLog(StreamWriter writer) => _writer = writer;

    /// <summary>Opens (creating when missing) <paramref name="path"/>, keeping only entries with step ≤ <paramref name="keepThroughStep"/>.</summary>
    public static LossLog Open(string path, long keepThroughStep)
    {
        if (File.Exists(path))
        {
            var kept = Read(path).Where(e => e.Step <= keepThroughStep).Select(Serialize);
            AtomicFile.WriteAllText(path, string.Concat(kept.Select(line => line + "\n")));
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new LossLog(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" });
    }

    /// <summary>Reads every well-formed entry; a torn or malformed line (a crash mid-append) is skipped.</summary>
    public static IReadOnlyList<LossLogEntry> Read(string path)
    {
        var entries = new List<LossLogEntry>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                if (JsonSerializer.Deserialize<LossLogEntry>(line) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A torn line from a crash; the steps it covered are re-run and re-logged.
            }
        }
        return entries;
    }

    /// <summary>Appends one entry and flushes it to the operating system.</summary>
    public void Append(LossLogEntry entry)
    {
        _writer.WriteLine(Serialize(entry));
        _writer.Flush();
    }

    private static string Serialize(LossLogEntry entry) => JsonSerializer.Serialize(entry);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
