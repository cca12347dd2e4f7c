namespace SemanticGen.Weights;

/// <summary>Opens whatever form a checkpoint comes in as an <see cref="ITensorSource"/>.</summary>
public static class TensorSource
{
    private const string IndexSuffix = ".safetensors.index.json";
    private const string PreferredIndex = "model.safetensors.index.json";
    private const string PreferredFile = "model.safetensors";

    /// <summary>
    /// Opens a .safetensors file, a <c>*.safetensors.index.json</c>, or a folder holding either. In a folder an index
    /// wins over single files (<c>model.safetensors.index.json</c> first, else the only <c>*.safetensors.index.json</c>),
    /// then <c>model.safetensors</c>, else the only <c>*.safetensors</c>; several candidates and no preferred name is
    /// an error rather than a guess.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing suitable at that path.</exception>
    /// <exception cref="SafetensorsFormatException">The file or index is malformed.</exception>
    public static ITensorSource Open(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return OpenFolder(fullPath);
        }
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{fullPath}: no such safetensors file, index or folder.", fullPath);
        }
        return fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? ShardedCheckpoint.Open(fullPath)
            : SafetensorsFile.Open(fullPath);
    }

    private static ITensorSource OpenFolder(string folder)
    {
        var index = PickOne(folder, PreferredIndex, "*" + IndexSuffix);
        if (index is not null)
        {
            return ShardedCheckpoint.Open(index);
        }
        var file = PickOne(folder, PreferredFile, "*.safetensors");
        return file is not null
            ? SafetensorsFile.Open(file)
            : throw new FileNotFoundException($"{folder}: holds no *.safetensors file or *{IndexSuffix}.", folder);
    }

    private static string? PickOne(string folder, string preferredName, string pattern)
    {
        var preferred = Path.Combine(folder, preferredName);
        if (File.Exists(preferred))
        {
            return preferred;
        }
        var candidates = Directory.GetFiles(folder, pattern, SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(pattern[1..], StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return candidates.Length switch
        {
            0 => null,
            1 => candidates[0],
            _ => throw new ArgumentException(
                $"{folder}: several candidates ({string.Join(", ", candidates.Select(Path.GetFileName))}) and no {preferredName}; name the file to open.", nameof(folder)),
        };
    }
}
