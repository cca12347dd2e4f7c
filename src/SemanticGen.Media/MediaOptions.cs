namespace SemanticGen.Media;

/// <summary>
/// Settings of the media services. Mutable because it is filled through <c>AddSemanticGenMedia(o =&gt; …)</c>; the reader
/// and writer check it (<see cref="Problems"/>) and copy what they need when they are created.
/// </summary>
public sealed class MediaOptions
{
    /// <summary>Folder holding the ffmpeg and ffprobe executables; null or empty: found on PATH.</summary>
    public string? BinaryFolder { get; set; }

    /// <summary>Limits for reading untrusted files.</summary>
    public MediaLimits Limits { get; set; } = new();

    /// <summary>
    /// x264 constant rate factor used when a <see cref="SemanticGen.Abstractions.Media.VideoWriteRequest"/> names none
    /// (0–51, lower is better). 16 keeps hard edges of small synthetic clips within a few levels.
    /// </summary>
    public int DefaultCrf { get; set; } = 16;

    /// <summary>What is wrong with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(BinaryFolder) && !Directory.Exists(BinaryFolder))
        {
            problems.Add($"{nameof(BinaryFolder)} '{BinaryFolder}' does not exist");
        }

        if (Limits is null)
        {
            problems.Add($"{nameof(Limits)} must be set");
        }

        if (DefaultCrf is < 0 or > 51)
        {
            problems.Add($"{nameof(DefaultCrf)} must be within 0–51, found {DefaultCrf}");
        }

        return problems;
    }

    internal void ThrowIfInvalid()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"invalid {nameof(MediaOptions)}: {string.Join("; ", problems)}");
        }
    }
}
