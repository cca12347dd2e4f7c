using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>The block stack, key <c>encoder.layer.{i}</c> (<c>VideoMAEEncoder</c>).</summary>
public sealed class VideoMAEEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<VideoMAELayer> layer;

    public VideoMAEEncoder(VideoMAEBlockShape shape, int depth, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAEEncoder))
    {
        layer = new ModuleList<VideoMAELayer>([.. Enumerable.Range(0, depth).Select(_ => new VideoMAELayer(shape, device, dtype))]);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var block in layer)
        {
            x = block.forward(x);       // (B, N, E)
        }
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The VideoMAE / VideoMAE 2 encoder (transformers <c>modeling_videomae.py</c> <c>VideoMAEModel</c>): tubelet
/// embedding + fixed sin-cos table → pre-norm blocks → a final <c>layernorm</c> only when the config does not use mean
/// pooling. The output is the full token grid in raster order (t, h, w); nothing is pooled.
/// </summary>
public sealed class VideoMAEModel : nn.Module<Tensor, Tensor>
{
    private readonly VideoMAEEmbeddings embeddings;
    private readonly VideoMAEEncoder encoder;
    private readonly LayerNorm? layernorm;

    public VideoMAEModel(VideoMAEConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAEModel))
    {
        Config = config.Validated();
        var shape = new VideoMAEBlockShape(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, config.QkvBias, config.LayerNormEps);
        embeddings = new VideoMAEEmbeddings(config, device, dtype);
        encoder = new VideoMAEEncoder(shape, config.NumHiddenLayers, device, dtype);
        layernorm = config.UseMeanPooling ? null : nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    public VideoMAEConfig Config { get; }

    internal VideoMAEEmbeddings Embeddings => embeddings;

    /// <summary>(B, T, C, H, W) normalised pixels → (B, N, E) tokens.</summary>
    public override Tensor forward(Tensor pixels) => Forward(pixels, visible: null);

    /// <summary>Encodes only the <paramref name="visible"/> (B, Nv) tokens (masked autoencoding) → (B, Nv, E).</summary>
    public Tensor Forward(Tensor pixels, Tensor? visible)
    {
        using var scope = NewDisposeScope();
        var x = embeddings.Forward(pixels, visible);    // (B, N, E)
        x = encoder.forward(x);                         // (B, N, E)
        if (layernorm is not null)
        {
            x = layernorm.forward(x);                   // (B, N, E)
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference's initialisation (<c>VideoMAEPreTrainedModel._init_weights</c>), for training from scratch:
    /// linear and Conv3d weights ~ N(0, initializer_range) with zero biases; LayerNorms at identity.
    /// </summary>
    public void InitializeWeights() => WeightInit.Apply(this, Config.InitializerRange);
}
