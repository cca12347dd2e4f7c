namespace SemanticGen.Data.Captioned;

/// <summary>A dataset file that cannot be used; the message names the file and, where it applies, the 1-based line.</summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>A problem with <paramref name="path"/> at <paramref name="line"/> (null: the file as a whole).</summary>
    public DatasetFormatException(string path, int? line, string problem, Exception? inner = null)
        : base(line is { } n ? $"{path}:{n}: {problem}" : $"{path}: {problem}", inner)
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The offending file.</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the problem; null when it concerns the whole file.</summary>
    public int? Line { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
