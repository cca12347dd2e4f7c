using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>
/// A read-only store of named tensors whose names, shapes and dtypes are known up front and whose bytes are read
/// only when a tensor is asked for: a single .safetensors file or a sharded checkpoint. Implementations are safe
/// for concurrent reads.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Where the tensors come from (a .safetensors file or an index .json), for messages.</summary>
    string Path { get; }

    /// <summary>Every tensor name, in storage order (file order for a file, index order for a sharded checkpoint).</summary>
    IReadOnlyList<string> Keys { get; }

    /// <summary>Free-form string metadata (the file's <c>__metadata__</c>, or the index's <c>metadata</c>); empty when absent.</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when a tensor of this name exists.</summary>
    bool Contains(string key);

    /// <summary>The tensor's dtype, shape and location, without reading its bytes.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    TensorInfo GetInfo(string key);

    /// <summary>
    /// Reads one tensor into a new CPU tensor. With <paramref name="dtype"/> null the result has the stored dtype
    /// (BF16 → bfloat16, F16 → float16, BOOL → bool, …); otherwise it is converted to <paramref name="dtype"/>.
    /// The caller owns (and disposes) the result.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    /// <exception cref="NotSupportedException">The stored dtype has no TorchSharp equivalent.</exception>
    torch.Tensor ReadTensor(string key, torch.ScalarType? dtype = null);
}
