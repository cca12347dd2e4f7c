using SemanticGen.Data.ShapesWorld;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes;

/// <summary>
/// Video batches for VAE training: batch k of seed s holds clips <c>k·B + i</c> (i &lt; B) of
/// <c>ShapesClipSource(s, split)</c>, rendered at the spec's defaults (64×64, 49 frames) and cut to their first
/// <see cref="Frames"/> frames (the CPU-cost knob: 9 frames by default, so a clip shows the first 9/48 of its motion),
/// as float (B, 3, F, 64, 64) in [−1, 1] (<c>x / 127.5 − 1</c>). A pure function of (seed, k): resuming at a data
/// position sees the same batches.
/// </summary>
public sealed class ShapesVideoBatches
{
    private static readonly Scalar Scale = (2.0 / 255.0).ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private readonly ShapesClipSource _source;

    /// <summary>Batches of <paramref name="batchSize"/> clips of <paramref name="frames"/> frames (4n + 1, at most 49).</summary>
    public ShapesVideoBatches(long seed, int batchSize, int frames, ShapesSplitKind split = ShapesSplitKind.Train)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _source = new ShapesClipSource(seed, split);
        if (frames < 1 || frames % 4 != 1 || frames > _source.Options.Frames)
            throw new ArgumentException($"frames must be 4n + 1 (1, 5, 9, …) and at most {_source.Options.Frames}, found {frames}", nameof(frames));
        BatchSize = batchSize;
        Frames = frames;
    }

    /// <summary>Clips per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Frames per clip (the first ones of each rendered clip).</summary>
    public int Frames { get; }

    /// <summary>Batch <paramref name="position"/>: float32 (B, 3, F, H, W) in [−1, 1] on the CPU; the caller owns it.</summary>
    public Tensor Batch(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        using var scope = NewDisposeScope();
        var clips = new List<Tensor>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var rendered = _source.Render(_source.ClipAt(position * BatchSize + i));     // (T, H, W, 3) uint8
            clips.Add(rendered.narrow(0, 0, Frames).permute(3, 0, 1, 2));              // (3, F, H, W)
        }
        return stack(clips).to(ScalarType.Float32).mul(Scale).sub(One).MoveToOuterDisposeScope();
    }
}
