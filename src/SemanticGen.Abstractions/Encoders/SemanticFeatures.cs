using TorchSharp;

namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// Semantic tokens of a batch of clips: <paramref name="Tokens"/> (B, N, D) in raster order of <paramref name="Grid"/>
/// (N = Grid.Count), and the time span each temporal slot covers. The holder owns <paramref name="Tokens"/>.
/// </summary>
public sealed record SemanticFeatures(torch.Tensor Tokens, SemanticGrid Grid, IReadOnlyList<SlotSpan> Slots) : IDisposable
{
    public void Dispose() => Tokens.Dispose();
}
