using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.TextEncoder;

// The blocks of transformers models/umt5/modeling_umt5.py (UMT5LayerNorm, UMT5Attention, UMT5DenseGatedActDense,
// UMT5LayerSelfAttention, UMT5LayerFF, UMT5Block). Field names are the checkpoint keys.

/// <summary>T5's RMS norm: no mean subtraction, no bias, variance in float32 (<c>UMT5LayerNorm</c>).</summary>
internal sealed class Umt5LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _epsilon;
    private readonly Scalar _one;
    private readonly Scalar _two;

    private readonly Parameter weight;

    public Umt5LayerNorm(int size, double epsilon, Device? device = null) : base(nameof(Umt5LayerNorm))
    {
        _epsilon = epsilon.ToScalar();
        _one = 1.ToScalar();
        _two = 2.ToScalar();
        weight = new Parameter(ones(size, device: device));
        RegisterComponents();
    }

    /// <param name="x">(…, D)</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var variance = x.to(ScalarType.Float32).pow(_two).mean([-1], keepdim: true);   // (…, 1) float32
        var normed = x.mul(variance.add(_epsilon, _one).rsqrt());                       // (…, D) float32
        if (weight.dtype is ScalarType.BFloat16 or ScalarType.Float16)
            normed = normed.to(weight.dtype);
        return weight.mul(normed).MoveToOuterDisposeScope();                            // (…, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _epsilon.Dispose();
            _one.Dispose();
            _two.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// Self-attention with this layer's own relative position bias (umT5, unlike T5, gives every layer one) and
/// no 1/√d scaling (T5 folds it into the initialisation); the padding mask is added to the bias.
/// </summary>
internal sealed class Umt5Attention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly int _heads;
    private readonly int _headDim;
    private readonly Scalar _one;

    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Linear o;
    private readonly Embedding relative_attention_bias;

    public Umt5Attention(Umt5Config config, Device? device = null) : base(nameof(Umt5Attention))
    {
        _heads = config.NumHeads;
        _headDim = config.DKv;
        _one = 1.ToScalar();
        q = nn.Linear(config.DModel, config.InnerDim, hasBias: false, device: device);
        k = nn.Linear(config.DModel, config.InnerDim, hasBias: false, device: device);
        v = nn.Linear(config.DModel, config.InnerDim, hasBias: false, device: device);
        o = nn.Linear(config.InnerDim, config.DModel, hasBias: false, device: device);
        relative_attention_bias = nn.Embedding(config.RelativeAttentionNumBuckets, config.NumHeads, device: device);
        RegisterComponents();
    }

    /// <param name="x">(B, L, D)</param>
    /// <param name="buckets">(L, L) int64 relative-position buckets (key − query)</param>
    /// <param name="mask">(B, 1, 1, L) additive: 0 for tokens, the dtype's minimum for padding keys</param>
    public override Tensor forward(Tensor x, Tensor buckets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (x.shape[0], x.shape[1]);
        var query = q.forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);  // (B, H, L, Dk)
        var key = k.forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);    // (B, H, L, Dk)
        var value = v.forward(x).view(batch, length, _heads, _headDim).transpose(1, 2);  // (B, H, L, Dk)
        var scores = query.matmul(key.transpose(2, 3));                                   // (B, H, L, L), unscaled
        var position = relative_attention_bias.forward(buckets).permute(2, 0, 1).unsqueeze(0); // (1, H, L, L)
        scores = scores.add(position.add(mask, _one), _one);                             // (B, H, L, L)
        var weights = scores.to(ScalarType.Float32).softmax(-1).to(scores.dtype);        // (B, H, L, L)
        var attended = weights.matmul(value).transpose(1, 2).reshape(batch, length, _heads * _headDim); // (B, L, H·Dk)
        return o.forward(attended).MoveToOuterDisposeScope();                            // (B, L, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            q.Dispose();
            k.Dispose();
            v.Dispose();
            o.Dispose();
            relative_attention_bias.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Gated-GELU feed-forward: <c>wo(gelu_new(wi_0·x) ⊙ wi_1·x)</c>, gelu_new being the tanh approximation.</summary>
internal sealed class Umt5DenseGatedActDense : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _half;
    private readonly Scalar _one;
    private readonly Scalar _cubic;
    private readonly Scalar _sqrtTwoOverPi;
    private readonly Scalar _three;

    private readonly Linear wi_0;
    private readonly Linear wi_1;
    private readonly Linear wo;

    public Umt5DenseGatedActDense(Umt5Config config, Device? device = null) : base(nameof(Umt5DenseGatedActDense))
    {
        _half = 0.5.ToScalar();
        _one = 1.ToScalar();
        _cubic = 0.044715.ToScalar();
        _sqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI).ToScalar();
        _three = 3.0.ToScalar();
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false, device: device);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false, device: device);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false, device: device);
        RegisterComponents();
    }

    /// <param name="x">(B, L, D)</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = GeluNew(wi_0.forward(x));                 // (B, L, F)
        var linear = wi_1.forward(x);                        // (B, L, F)
        return wo.forward(gate.mul(linear)).MoveToOuterDisposeScope(); // (B, L, D)
    }

    // transformers NewGELUActivation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    private Tensor GeluNew(Tensor x)
    {
        var inner = x.add(x.pow(_three).mul(_cubic), _one).mul(_sqrtTwoOverPi);
        return x.mul(_half).mul(inner.tanh().add(_one, _one));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            wi_0.Dispose();
            wi_1.Dispose();
            wo.Dispose();
            _half.Dispose();
            _one.Dispose();
            _cubic.Dispose();
            _sqrtTwoOverPi.Dispose();
            _three.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary><c>layer.0</c>: x + SelfAttention(layer_norm(x)).</summary>
internal sealed class Umt5LayerSelfAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Scalar _one;

    private readonly Umt5Attention SelfAttention;
    private readonly Umt5LayerNorm layer_norm;

    public Umt5LayerSelfAttention(Umt5Config config, Device? device = null) : base(nameof(Umt5LayerSelfAttention))
    {
        _one = 1.ToScalar();
        SelfAttention = new Umt5Attention(config, device);
        layer_norm = new Umt5LayerNorm(config.DModel, config.LayerNormEpsilon, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor buckets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = SelfAttention.forward(layer_norm.forward(x), buckets, mask); // (B, L, D)
        return x.add(attended, _one).MoveToOuterDisposeScope();                      // (B, L, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            SelfAttention.Dispose();
            layer_norm.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary><c>layer.1</c>: x + DenseReluDense(layer_norm(x)) (the name is T5's; the body is gated GELU).</summary>
internal sealed class Umt5LayerFF : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _one;

    private readonly Umt5DenseGatedActDense DenseReluDense;
    private readonly Umt5LayerNorm layer_norm;

    public Umt5LayerFF(Umt5Config config, Device? device = null) : base(nameof(Umt5LayerFF))
    {
        _one = 1.ToScalar();
        DenseReluDense = new Umt5DenseGatedActDense(config, device);
        layer_norm = new Umt5LayerNorm(config.DModel, config.LayerNormEpsilon, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var fed = DenseReluDense.forward(layer_norm.forward(x)); // (B, L, D)
        return x.add(fed, _one).MoveToOuterDisposeScope();        // (B, L, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DenseReluDense.Dispose();
            layer_norm.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// <c>encoder.block.{i}</c>: <c>layer</c> = [self-attention, feed-forward]. (transformers also clamps float16
/// overflow here; float16 is not a supported dtype of this port — use float32 or bfloat16.)
/// </summary>
internal sealed class Umt5Block : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly ModuleList<nn.Module> layer;

    public Umt5Block(Umt5Config config, Device? device = null) : base(nameof(Umt5Block))
    {
        layer = nn.ModuleList<nn.Module>(new Umt5LayerSelfAttention(config, device), new Umt5LayerFF(config, device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor buckets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = ((Umt5LayerSelfAttention)layer[0]).forward(x, buckets, mask); // (B, L, D)
        return ((Umt5LayerFF)layer[1]).forward(attended).MoveToOuterDisposeScope();   // (B, L, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            layer.Dispose();
        }
        base.Dispose(disposing);
    }
}
