using TorchSharp;

namespace SemanticGen.Abstractions;

/// <summary>
/// Scalars that live for the whole process, for the alpha of <c>add</c>/<c>sub</c>. TorchSharp's one-argument
/// <c>a.add(b, TorchScalars.One)</c> builds its alpha Scalar inline, and the GC may finalize it while the native call still reads it
/// (docs/torchsharp-notes.md); write <c>a.add(b, TorchScalars.One)</c> instead.
/// </summary>
public static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
}
