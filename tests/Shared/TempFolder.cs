namespace SemanticGen.Testing;

/// <summary>
/// A fresh folder under the system temp folder, deleted on dispose. Compiled into every test project
/// (Directory.Build.targets), so all tests share one definition.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sg-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="name"/> inside the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of every file directly in the folder, hidden partial files included.</summary>
    public IReadOnlyList<string> Files() => Directory.GetFiles(Path).Select(file => System.IO.Path.GetFileName(file)).ToList();

    /// <summary>Creates an empty file at <paramref name="relative"/>, with its folders.</summary>
    public string Touch(string relative) => WriteBytes(relative, []);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relative"/>, creating its folders.</summary>
    public string WriteBytes(string relative, byte[] bytes)
    {
        var full = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}
