using System.Collections.Immutable;
using SemanticGen.Weights;
using TorchSharp;

namespace SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;

/// <summary>
/// A checkpoint with real names and shapes but no bytes: reads return uninitialised tensors on the meta device, so
/// a full-size tower (also on meta) can go through the whole load path in milliseconds. Records which keys were read.
/// </summary>
internal sealed class HeaderOnlySource(IReadOnlyDictionary<string, long[]> tensors, SafetensorsDtype dtype = SafetensorsDtype.BF16) : ITensorSource
{
    private readonly List<string> _read = [];

    public string Path => "header-only.safetensors";

    public IReadOnlyList<string> Keys { get; } = [.. tensors.Keys];

    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Read => _read;

    public bool Contains(string key) => tensors.ContainsKey(key);

    public TensorInfo GetInfo(string key) => new(key, dtype, [.. tensors[key]], Path, 0, 0);

    public torch.Tensor ReadTensor(string key, torch.ScalarType? type = null)
    {
        _read.Add(key);
        return torch.empty(tensors[key], type ?? torch.ScalarType.BFloat16, device: torch.META);
    }

    public void Dispose()
    {
    }
}
