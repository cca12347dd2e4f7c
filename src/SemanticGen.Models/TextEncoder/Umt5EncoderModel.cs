using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.TextEncoder;

/// <summary>
/// The umT5 encoder (transformers <c>models/umt5/modeling_umt5.py</c>, <c>UMT5EncoderModel</c>): token embedding
/// <c>shared</c> (tied to <c>encoder.embed_tokens</c>: one tensor, two checkpoint keys), then
/// <c>encoder.block.{i}</c> and <c>encoder.final_layer_norm</c>. Returns <c>last_hidden_state</c> for every
/// position, padding included, computed as the reference does (padding keys are masked, padding queries are not).
/// Inference has no dropout, so there is none here.
/// </summary>
public sealed class Umt5EncoderModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Embedding shared;
    private readonly Umt5Stack encoder;

    public Umt5EncoderModel(Umt5Config config, Device? device = null) : base(nameof(Umt5EncoderModel))
    {
        Config = config.Validate();
        shared = NewEmbedding(config.VocabSize, config.DModel, device);
        encoder = new Umt5Stack(config, shared, device);
        RegisterComponents();
    }

    public Umt5Config Config { get; }

    // nn.Embedding(vocab, …) fills a CPU tensor before moving it (4 GB for XXL even on the meta device); build the weight in place
    // and initialise it as both PyTorch and transformers do (N(0, 1)).
    private static Embedding NewEmbedding(int vocab, int width, Device? device)
    {
        var weight = empty([vocab, width], device: device);
        if (weight.device_type != DeviceType.META)
        {
            using var _ = no_grad();
            nn.init.normal_(weight);
        }
        var embedding = nn.Embedding(1, width, device: device);
        embedding.weight = new Parameter(weight);
        return embedding;
    }

    /// <param name="inputIds">(B, L) int64 token ids</param>
    /// <param name="attentionMask">(B, L) 1 for tokens, 0 for padding; null: no padding</param>
    /// <returns>last_hidden_state (B, L, d_model)</returns>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask) => encoder.forward(inputIds, attentionMask);

    /// <summary>
    /// Bidirectional relative-position buckets (transformers <c>UMT5Attention._relative_position_bucket</c>, encoder
    /// case): half of the buckets per direction (positive offsets, key after query, in the upper half); within a
    /// half, distances below <c>max_exact = buckets/4</c> get their own bucket, larger ones log-spaced buckets up to
    /// <paramref name="maxDistance"/>, beyond which they share the last one. float32 log as in the reference.
    /// </summary>
    /// <param name="relativePosition">int64 key position − query position, any shape</param>
    public static Tensor RelativePositionBucket(Tensor relativePosition, int numBuckets, int maxDistance)
    {
        using var scope = NewDisposeScope();
        var half = numBuckets / 2;
        var maxExact = half / 2;
        using var halfScalar = half.ToScalar();
        using var maxExactScalar = ((double)maxExact).ToScalar();
        using var logRange = Math.Log((double)maxDistance / maxExact).ToScalar();
        using var largeBuckets = (half - maxExact).ToScalar();
        using var maxExactLong = maxExact.ToScalar();
        using var lastBucket = (half - 1).ToScalar();
        using var one = 1.ToScalar();
        var direction = relativePosition.gt(0).to(ScalarType.Int64).mul(halfScalar);      // 0 or half
        var distance = relativePosition.abs();                                             // |key − query|
        var isSmall = distance.lt(maxExactLong);
        var logRatio = distance.to(ScalarType.Float32).div(maxExactScalar).log().div(logRange).mul(largeBuckets);
        var large = logRatio.to(ScalarType.Int64).add(maxExactLong, one).clamp_max(lastBucket);
        return direction.add(where(isSmall, distance, large), one).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoder.Dispose();
            shared.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary><c>encoder</c>: embed → blocks → final RMS norm. Caches the (L, L) bucket table per length and device.</summary>
internal sealed class Umt5Stack : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly int _numBuckets;
    private readonly int _maxDistance;
    private readonly Dictionary<(long Length, string Device), Tensor> _buckets = [];
    private readonly Lock _bucketsLock = new();

    private readonly Embedding embed_tokens;
    private readonly ModuleList<Umt5Block> block;
    private readonly Umt5LayerNorm final_layer_norm;

    public Umt5Stack(Umt5Config config, Embedding sharedEmbedding, Device? device = null) : base(nameof(Umt5Stack))
    {
        _numBuckets = config.RelativeAttentionNumBuckets;
        _maxDistance = config.RelativeAttentionMaxDistance;
        embed_tokens = sharedEmbedding;
        block = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(_ => new Umt5Block(config, device)).ToArray());
        final_layer_norm = new Umt5LayerNorm(config.DModel, config.LayerNormEpsilon, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input_ids must be (B, L); got ({string.Join(", ", inputIds.shape)}).", nameof(inputIds));
        using var scope = NewDisposeScope();
        var (batch, length) = (inputIds.shape[0], inputIds.shape[1]);
        var hidden = embed_tokens.forward(inputIds);                                       // (B, L, D)
        var buckets = Buckets(length, hidden.device);                                      // (L, L)
        var mask = AdditiveMask(attentionMask, batch, length, hidden);                     // (B, 1, 1, L)
        foreach (var layer in block)
        {
            hidden = layer.forward(hidden, buckets, mask);                                 // (B, L, D)
        }
        return final_layer_norm.forward(hidden).MoveToOuterDisposeScope();                 // (B, L, D)
    }

    // transformers: (1 − mask) · finfo(dtype).min, broadcast over heads and queries.
    private static Tensor AdditiveMask(Tensor? attentionMask, long batch, long length, Tensor hidden)
    {
        var additive = zeros([batch, 1, 1, length], dtype: hidden.dtype, device: hidden.device);
        if (attentionMask is null)
            return additive;
        if (attentionMask.dim() != 2 || attentionMask.shape[0] != batch || attentionMask.shape[1] != length)
            throw new ArgumentException($"attention_mask must be ({batch}, {length}); got ({string.Join(", ", attentionMask.shape)}).", nameof(attentionMask));
        using var minimum = finfo(hidden.dtype).min.ToScalar();
        var padding = attentionMask.to(hidden.device).eq(0L).view(batch, 1, 1, length);
        return additive.masked_fill_(padding, minimum);
    }

    private Tensor Buckets(long length, Device device)
    {
        lock (_bucketsLock)
        {
            var key = (length, device.ToString());
            if (!_buckets.TryGetValue(key, out var table))
            {
                using var scope = NewDisposeScope();
                var positions = arange(length, dtype: ScalarType.Int64, device: device);
                var relative = positions.unsqueeze(0).sub(positions.unsqueeze(1));        // (L, L) key − query
                table = Umt5EncoderModel.RelativePositionBucket(relative, _numBuckets, _maxDistance).DetachFromDisposeScope();
                _buckets[key] = table;
            }
            return table;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            block.Dispose();
            final_layer_norm.Dispose();
            lock (_bucketsLock)
            {
                foreach (var table in _buckets.Values)
                    table.Dispose();
                _buckets.Clear();
            }
        }
        base.Dispose(disposing);
    }
}
