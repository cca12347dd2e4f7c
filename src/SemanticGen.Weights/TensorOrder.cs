namespace SemanticGen.Weights;

/// <summary>The order in which <see cref="SafetensorsWriter"/> lays tensors out in the data section.</summary>
public enum TensorOrder
{
    /// <summary>
    /// The reference implementation's order: widest dtype first (so every tensor's data stays aligned to its element
    /// size, given the 8-byte-aligned header), then by name (ordinal). Deterministic whatever order the input has.
    /// </summary>
    Sorted,

    /// <summary>Exactly the order of the input.</summary>
    AsGiven,
}
