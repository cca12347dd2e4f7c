namespace SemanticGen.Training;

/// <summary>A checkpoint that cannot be loaded: a missing or corrupt file, or one written for another configuration.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception; the message starts with the offending path.</summary>
    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
