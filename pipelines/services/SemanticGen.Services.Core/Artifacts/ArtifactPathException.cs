namespace SemanticGen.Services.Core.Artifacts;

/// <summary>
/// A path given by a caller lies outside the shared artifact root (or is not a usable path). <see cref="ArgumentException.ParamName"/>
/// is the request field that held it (so a 400 ProblemDetails names that field); the message is kept as written.
/// </summary>
public sealed class ArtifactPathException(string message, string? field = null) : ArgumentException(message, field)
{
    /// <inheritdoc />
    public override string Message { get; } = message;
}
