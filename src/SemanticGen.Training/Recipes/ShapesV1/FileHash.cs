using System.Security.Cryptography;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>Short content hashes of files (cache identities, model cards).</summary>
public static class FileHash
{
    /// <summary>The first 16 hex digits of the file's SHA-256.</summary>
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
