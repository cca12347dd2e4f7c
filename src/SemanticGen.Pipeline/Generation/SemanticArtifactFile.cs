using System.Globalization;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Generation;

/// <summary>Reads and writes z_sem artifacts: safetensors with tensor <c>z_sem</c> (1, T·H·W, d) and the request in its metadata.</summary>
public static class SemanticArtifactFile
{
    public const string TensorName = "z_sem";

    /// <summary>Writes <paramref name="zSem"/> (1, N, d) float32 and the metadata atomically; returns the artifact.</summary>
    public static SemanticArtifact Write(string path, Tensor zSem, string prompt, long seed, SemanticGrid grid, string pipelineName)
    {
        if (zSem.dim() != 3 || zSem.shape[0] != 1 || zSem.shape[1] != grid.Count)
            throw new ArgumentException($"z_sem ({string.Join(", ", zSem.shape)}) must be (1, {grid.Count}, d) for grid {grid}.", nameof(zSem));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "semanticgen-zsem/1",
            ["prompt"] = prompt,
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["grid"] = $"{grid.T},{grid.H},{grid.W}",
            ["pipeline"] = pipelineName,
        };
        SafetensorsWriter.Write(path, [(TensorName, zSem.to(ScalarType.Float32).contiguous())], metadata);
        return new SemanticArtifact(path, prompt, seed, grid, (int)zSem.shape[2]);
    }

    /// <summary>Reads the artifact's description (not the tensor) from <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">Missing file or not a z_sem artifact (the message names the file and the problem).</exception>
    public static SemanticArtifact Describe(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"z_sem artifact not found: {path}");
        try
        {
            using var file = SafetensorsFile.Open(path);
            string Meta(string key) => file.Metadata.TryGetValue(key, out var value)
                ? value : throw new ArgumentException($"{path}: not a z_sem artifact (metadata '{key}' is missing).");
            if (Meta("format") != "semanticgen-zsem/1") throw new ArgumentException($"{path}: unknown artifact format '{Meta("format")}'.");
            var grid = Meta("grid").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            if (grid.Length != 3) throw new ArgumentException($"{path}: metadata 'grid' must be T,H,W, found '{Meta("grid")}'.");
            if (!file.Contains(TensorName)) throw new ArgumentException($"{path}: no '{TensorName}' tensor.");
            var shape = file.GetInfo(TensorName).Shape;
            return new SemanticArtifact(path, Meta("prompt"), long.Parse(Meta("seed"), CultureInfo.InvariantCulture),
                new SemanticGrid(grid[0], grid[1], grid[2]), (int)shape[^1]);
        }
        catch (Exception e) when (e is FormatException or OverflowException or SafetensorsFormatException)
        {
            throw new ArgumentException($"{path}: unreadable z_sem artifact: {e.Message}", e);
        }
    }

    /// <summary>The z_sem tensor (1, N, d) float32 of <paramref name="artifact"/>, checked against the expected shape.</summary>
    public static Tensor Read(SemanticArtifact artifact, SemanticGrid expectedGrid, int expectedDim)
    {
        var described = Describe(artifact.Path);
        if (described.Grid != expectedGrid || described.TokenDim != expectedDim)
            throw new ArgumentException(
                $"{artifact.Path}: z_sem of grid {described.Grid} × {described.TokenDim} channels; this pipeline expects {expectedGrid} × {expectedDim}.");
        using var file = SafetensorsFile.Open(artifact.Path);
        var z = file.ReadTensor(TensorName, ScalarType.Float32);
        if (z.dim() != 3 || z.shape[0] != 1 || z.shape[1] != expectedGrid.Count)
        {
            var shape = string.Join(", ", z.shape);
            z.Dispose();
            throw new ArgumentException($"{artifact.Path}: z_sem has shape ({shape}), expected (1, {expectedGrid.Count}, {expectedDim}).");
        }
        return z;
    }
}
