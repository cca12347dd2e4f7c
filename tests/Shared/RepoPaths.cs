using System.Reflection;

namespace SemanticGen.Testing;

/// <summary>Where the repository and its test fixtures are, wherever a test project's output folder is.</summary>
public static class RepoPaths
{
    /// <summary>The repository root, recorded at build time (Directory.Build.targets, assembly metadata "RepoRoot").</summary>
    public static string Root { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "RepoRoot").Value!;

    /// <summary>A path under <c>tests/fixtures</c>, e.g. <c>Fixture("encoders", "vjepa2")</c>.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);
}
