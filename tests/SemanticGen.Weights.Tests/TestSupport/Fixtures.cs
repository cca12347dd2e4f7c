namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>The reference fixture files copied next to the test assembly (see the csproj).</summary>
internal static class Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>Every fixture .safetensors file, as paths relative to <see cref="Root"/> ('/'-separated).</summary>
    public static IReadOnlyList<string> AllSafetensors { get; } = Directory
        .GetFiles(Root, "*.safetensors", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> AllSafetensorsData => [.. AllSafetensors];

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}
