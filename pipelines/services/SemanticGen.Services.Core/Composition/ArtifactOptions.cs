namespace SemanticGen.Services.Core.Composition;

/// <summary>Configuration section <c>Artifacts</c>: the shared artifact root every service sees at the same path.</summary>
public sealed class ArtifactOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Artifacts";

    /// <summary>The root folder (required).</summary>
    public string? Root { get; set; }
}
