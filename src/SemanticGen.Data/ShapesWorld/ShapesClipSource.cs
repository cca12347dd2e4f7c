using System.Collections;
using TorchSharp;

namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// An infinite, seeded sequence of Shapes World clips (shapes-world.md, "Splits": a seed fixes the dataset).
/// Clip k draws from its own generator, <see cref="SplitMix64.ForStream"/>(seed, k): first the composition,
/// uniformly from the split, then the start, uniformly from the composition's
/// <see cref="ShapesRenderOptions.StartRegion"/> (x, then y). So <see cref="ClipAt"/> is random access and equals
/// the k-th enumerated clip.
/// </summary>
public sealed class ShapesClipSource : IEnumerable<ShapesClip>
{
    private readonly ShapesRenderer _renderer;

    /// <summary>Clips of <paramref name="split"/> for <paramref name="seed"/>.</summary>
    public ShapesClipSource(long seed, ShapesSplitKind split, ShapesRenderOptions? options = null)
        : this(seed, ShapesSplit.Compositions(split), options)
    {
    }

    /// <summary>Clips drawn from <paramref name="compositions"/> (order matters: it fixes the draw) for <paramref name="seed"/>.</summary>
    public ShapesClipSource(long seed, IReadOnlyList<ShapesComposition> compositions, ShapesRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(compositions);
        if (compositions.Count == 0)
            throw new ArgumentException("a clip source needs at least one composition", nameof(compositions));
        Seed = seed;
        Compositions = [.. compositions];
        _renderer = new ShapesRenderer(options);
    }

    /// <summary>The seed that fixes every clip.</summary>
    public long Seed { get; }

    /// <summary>The compositions clips are drawn from.</summary>
    public IReadOnlyList<ShapesComposition> Compositions { get; }

    /// <summary>The rendering options (start regions depend on them).</summary>
    public ShapesRenderOptions Options => _renderer.Options;

    /// <summary>Clip <paramref name="index"/> (0-based), computed directly from (seed, index).</summary>
    public ShapesClip ClipAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = SplitMix64.ForStream(Seed, index);
        var composition = Compositions[random.NextInt(Compositions.Count)];
        var start = Options.StartRegion(composition.Motion).Sample(ref random);
        return new ShapesClip(index, composition, start);
    }

    /// <summary>The infinite sequence of clips from <paramref name="index"/> on (for resuming at a data position).</summary>
    public IEnumerable<ShapesClip> From(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Enumerate(index);
    }

    /// <summary>Renders <paramref name="clip"/>; the caller owns the (T, H, W, 3) uint8 tensor.</summary>
    public torch.Tensor Render(ShapesClip clip) => _renderer.Render(clip);

    /// <summary>Renders <paramref name="clip"/> with its object painted <paramref name="objectColour"/>; the caller owns the (T, H, W, 3) uint8 tensor.</summary>
    public torch.Tensor Render(ShapesClip clip, Rgb objectColour)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return _renderer.Render(clip.Composition, clip.Start, objectColour);
    }

    /// <summary>The infinite sequence of clips from index 0 (use Take).</summary>
    public IEnumerator<ShapesClip> GetEnumerator() => Enumerate(0).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<ShapesClip> Enumerate(long index)
    {
        for (var k = index; ; k++)
            yield return ClipAt(k);
    }
}
