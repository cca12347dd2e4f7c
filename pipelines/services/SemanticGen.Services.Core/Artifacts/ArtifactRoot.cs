namespace SemanticGen.Services.Core.Artifacts;

/// <summary>
/// The shared storage every service sees at the same path (a volume in Kubernetes): artifacts travel between services as
/// paths under it. Caller-given paths are accepted only inside it; each job's artifacts have fixed names in its own
/// folder, so a re-run writes to the same place instead of beside it.
/// </summary>
public sealed class ArtifactRoot
{
    /// <summary>A root at <paramref name="path"/> (made absolute; created when missing).</summary>
    public ArtifactRoot(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("the artifact root is not configured (Artifacts:Root).", nameof(path));
        Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The absolute root folder.</summary>
    public string Path { get; }

    /// <summary>
    /// The absolute form of <paramref name="path"/> (relative paths are taken from the root); throws
    /// <see cref="ArtifactPathException"/> naming the path when it lies outside the root.
    /// </summary>
    public string Resolve(string? path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArtifactPathException($"{field} is empty.", field);
        if (path.Contains('\0'))
            throw new ArtifactPathException($"{field} contains a NUL character.", field);
        var full = System.IO.Path.GetFullPath(path, Path);
        var inside = full.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (!inside)
            throw new ArtifactPathException($"{field} '{path}' is outside the artifact root '{Path}'.", field);
        return full;
    }

    /// <summary>True when <paramref name="path"/> resolves inside the root.</summary>
    public bool Contains(string? path)
    {
        try
        {
            Resolve(path);
            return true;
        }
        catch (ArtifactPathException)
        {
            return false;
        }
    }

    /// <summary>The folder of job <paramref name="jobId"/>.</summary>
    public string JobFolder(string jobId) => System.IO.Path.Combine(Path, "jobs", jobId);

    /// <summary>The job's z_sem artifact.</summary>
    public string SemanticsPath(string jobId) => System.IO.Path.Combine(JobFolder(jobId), "semantics.safetensors");

    /// <summary>The job's mp4 (the contact sheet is written beside it as video.png).</summary>
    public string VideoPath(string jobId) => System.IO.Path.Combine(JobFolder(jobId), "video.mp4");

    /// <summary>The captions.jsonl of a caption-folder job.</summary>
    public string CaptionsPath(string jobId) => System.IO.Path.Combine(JobFolder(jobId), "captions.jsonl");
}
