namespace SemanticGen.Data.Tests.Captioned;

/// <summary>A scratch directory deleted at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sg-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Creates an (empty) file at <paramref name="relative"/>, with its folders.</summary>
    public string Touch(string relative)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, []);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
