using System.Text.Json;
using TorchSharp;

namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>Writes shards with the writer under test and an index the way Hugging Face libraries lay it out.</summary>
internal static class ShardedFiles
{
    public static string Write(string folder, params (string Shard, (string Name, torch.Tensor Tensor)[] Tensors)[] shards)
    {
        foreach (var (shard, tensors) in shards)
        {
            SafetensorsWriter.Write(Path.Combine(folder, shard), tensors);
        }
        var weightMap = shards.SelectMany(s => s.Tensors.Select(t => (t.Name, s.Shard))).ToDictionary(p => p.Name, p => p.Shard);
        var totalSize = shards.SelectMany(s => s.Tensors).Sum(t => t.Tensor.NumberOfElements * t.Tensor.ElementSize);
        return WriteIndex(folder, JsonSerializer.Serialize(new { metadata = new { total_size = totalSize }, weight_map = weightMap }));
    }

    public static string WriteIndex(string folder, string json, string name = "model.safetensors.index.json")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}
