using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>
/// The causal feature cache of one chunked encode or decode call (diffusers <c>AutoencoderKLWan</c>'s
/// <c>feat_cache</c>/<c>feat_idx</c> with <c>CACHE_T = 2</c>): one slot per cached convolution, visited in the same
/// order every chunk, each holding the last frames of that convolution's input from the chunks before. The call that
/// creates it owns it and disposes it; cached tensors live outside the per-chunk dispose scopes.
/// </summary>
internal sealed class FeatureCache : IDisposable
{
    /// <summary>Frames carried to the next chunk (a 3-tap causal kernel needs two).</summary>
    public const int CacheT = 2;

    private readonly List<Tensor?> _tensors = [];
    private readonly List<bool> _rep = [];
    private int _next;

    /// <summary>Restarts the slot order (the reference resets <c>feat_idx = [0]</c> before each chunk).</summary>
    public void BeginChunk() => _next = 0;

    /// <summary>The next convolution's slot; slots are created on the first chunk.</summary>
    public int NextSlot()
    {
        if (_next == _tensors.Count)
        {
            _tensors.Add(null);
            _rep.Add(false);
        }
        return _next++;
    }

    /// <summary>The cached frames of a slot, or null before its first chunk (and while it is marked 'Rep').</summary>
    public Tensor? Get(int slot) => _tensors[slot];

    /// <summary>True when the slot holds the reference's <c>"Rep"</c> marker (an upsample3d that skipped its first chunk).</summary>
    public bool IsRep(int slot) => _rep[slot];

    public void MarkRep(int slot) => _rep[slot] = true;

    /// <summary>Replaces a slot's frames; the cache takes ownership of <paramref name="frames"/>.</summary>
    public void Set(int slot, Tensor frames)
    {
        var old = _tensors[slot];
        _tensors[slot] = frames.DetachFromDisposeScope();
        _rep[slot] = false;
        old?.Dispose();
    }

    /// <summary>
    /// What a cached convolution keeps of its input <paramref name="x"/> (B, C, T, H, W): its last two frames, or,
    /// when the chunk has a single frame, the previous chunk's last frame followed by it (reference: "cache last frame
    /// of last two chunk").
    /// </summary>
    public static Tensor LastFrames(Tensor x, Tensor? previous)
    {
        var frames = x.shape[2];
        var keep = x.narrow(2, Math.Max(0, frames - CacheT), Math.Min(CacheT, frames)).clone();
        if (keep.shape[2] < CacheT && previous is not null)
        {
            keep = cat([previous.narrow(2, previous.shape[2] - 1, 1), keep], 2);
        }
        return keep;
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors)
        {
            tensor?.Dispose();
        }
        _tensors.Clear();
        _rep.Clear();
    }
}
