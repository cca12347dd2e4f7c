namespace SemanticGen.Abstractions.Media;

/// <summary>A video file that cannot be used: missing, empty, truncated, not a video, no frames, or over a limit.</summary>
public sealed class VideoFormatException : Exception
{
    public VideoFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The offending file.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
