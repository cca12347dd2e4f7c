using SemanticGen.Data.ShapesWorld;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes;

/// <summary>
/// Video batches for VAE training: batch k of seed s holds clips <c>k·B + i</c> (i &lt; B) of
/// <c>ShapesClipSource(s, split)</c>, rendered at the spec's defaults (64×64, 49 frames) and cut to their first
/// <see cref="Frames"/> frames (the CPU-cost knob: 9 frames by default, so a clip shows the first 9/48 of its motion),
/// as float (B, 3, F, 64, 64) in [−1, 1] (<c>x / 127.5 − 1</c>). A pure function of (seed, k): resuming at a data
/// position sees the same batches. Optionally a fraction of the clips have their object painted an off-palette colour
/// (<see cref="OffPaletteColours"/>), chosen per clip from its own stream, so that too is a pure function of (seed, k).
/// </summary>
public sealed class ShapesVideoBatches
{
    private static readonly Scalar Scale = (2.0 / 255.0).ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private readonly ShapesClipSource _source;
    private readonly long _seed;

    /// <summary>Mixed into the seed for the per-clip recolouring streams, so they are unrelated to the clip draws.</summary>
    private const long RecolourStreamSalt = 0x5EC0_105E_0FF0_A1E7;

    /// <summary>Batches of <paramref name="batchSize"/> clips of <paramref name="frames"/> frames (4n + 1, at most 49).</summary>
    /// <param name="recolourFraction">Probability, per clip, of an off-palette object colour (0 = the palette only).</param>
    public ShapesVideoBatches(long seed, int batchSize, int frames, ShapesSplitKind split = ShapesSplitKind.Train, double recolourFraction = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!(recolourFraction >= 0 && recolourFraction <= 1))
            throw new ArgumentException($"the recolour fraction must be within [0, 1], found {recolourFraction}", nameof(recolourFraction));
        if (recolourFraction > 0 && split != ShapesSplitKind.Train)
            throw new ArgumentException($"off-palette colours keep clips in the training split, so they need the train split, found {split}", nameof(split));
        _source = new ShapesClipSource(seed, split);
        _seed = seed;
        RecolourFraction = recolourFraction;
        if (frames < 1 || frames % 4 != 1 || frames > _source.Options.Frames)
            throw new ArgumentException($"frames must be 4n + 1 (1, 5, 9, …) and at most {_source.Options.Frames}, found {frames}", nameof(frames));
        BatchSize = batchSize;
        Frames = frames;
    }

    /// <summary>Clips per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Frames per clip (the first ones of each rendered clip).</summary>
    public int Frames { get; }

    /// <summary>Probability, per clip, of an off-palette object colour.</summary>
    public double RecolourFraction { get; }

    /// <summary>The off-palette colour clip <paramref name="index"/> is painted, or null when it keeps its palette colour.</summary>
    public Rgb? ObjectColourOf(long index)
    {
        if (RecolourFraction == 0) return null;
        var random = SplitMix64.ForStream(_seed ^ RecolourStreamSalt, index);
        if (random.NextDouble() >= RecolourFraction) return null;
        return OffPaletteColours.Draw(ref random, _source.ClipAt(index).Composition);
    }

    /// <summary>Batch <paramref name="position"/>: float32 (B, 3, F, H, W) in [−1, 1] on the CPU; the caller owns it.</summary>
    public Tensor Batch(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        using var scope = NewDisposeScope();
        var clips = new List<Tensor>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var index = position * BatchSize + i;
            var clip = _source.ClipAt(index);
            var rendered = ObjectColourOf(index) is { } colour ? _source.Render(clip, colour) : _source.Render(clip); // (T, H, W, 3) uint8
            clips.Add(rendered.narrow(0, 0, Frames).permute(3, 0, 1, 2));              // (3, F, H, W)
        }
        return stack(clips).to(ScalarType.Float32).mul(Scale).sub(One).MoveToOuterDisposeScope();
    }
}
