using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// Keeps an evenly spaced, bounded set of frames from a stream whose length is not known in advance (a sink cannot
/// know how many frames will come): every stride-th frame is kept, and whenever more than 4 × wanted are held, every
/// other kept frame is dropped and the stride doubles. So at most 4 × wanted + 1 tiles are ever held, and the kept
/// frames (0, s, 2s, …) cover the stream with a stride s below total / (2 × wanted): each picked frame is within s of
/// its ideal, evenly spaced position.
/// </summary>
internal sealed class ContactSheetSampler(int wanted, Func<torch.Tensor, torch.Tensor> makeTile) : IDisposable
{
    private const int HeldPerWanted = 4;

    private readonly List<(long Index, torch.Tensor Tile)> _kept = [];
    private long _stride = 1;

    /// <summary>Frames offered so far.</summary>
    public long Seen { get; private set; }

    /// <summary>Most tiles ever held at once.</summary>
    public int MostHeld { get; private set; }

    /// <summary>Considers each frame of <paramref name="batch"/> (T, H, W, 3); tiles are copies, the batch is not kept.</summary>
    public void Offer(torch.Tensor batch)
    {
        for (long t = 0; t < batch.shape[0]; t++, Seen++)
        {
            if (Seen % _stride != 0)
            {
                continue;
            }

            using var frame = batch[t];

            // Held across appends: must not die with a DisposeScope the caller happens to have open.
            _kept.Add((Seen, makeTile(frame).DetachFromDisposeScope()));
            MostHeld = Math.Max(MostHeld, _kept.Count);
            if (_kept.Count > HeldPerWanted * wanted)
            {
                Thin();
            }
        }
    }

    /// <summary>
    /// min(wanted, frames seen) frames, in order: for each evenly spaced position i × (seen − 1) / (count − 1), the kept
    /// frame nearest to it (with every frame kept, frame round(position) itself). The tiles stay owned by the sampler.
    /// </summary>
    public IReadOnlyList<(long Index, torch.Tensor Tile)> Pick()
    {
        var count = (int)Math.Min(wanted, Seen);
        if (count <= 1)
        {
            return _kept.Take(count).ToList();
        }

        var spacing = (Seen - 1) / (double)(count - 1);
        return Enumerable.Range(0, count)
            .Select(i => (int)Math.Min(Math.Round(i * spacing / _stride, MidpointRounding.AwayFromZero), _kept.Count - 1))
            .Select(k => _kept[k])
            .ToList();
    }

    public void Dispose()
    {
        foreach (var (_, tile) in _kept)
        {
            tile.Dispose();
        }

        _kept.Clear();
    }

    private void Thin()
    {
        _stride *= 2;
        foreach (var (_, tile) in _kept.Where(k => k.Index % _stride != 0))
        {
            tile.Dispose();
        }

        _kept.RemoveAll(k => k.Index % _stride != 0);
    }
}
