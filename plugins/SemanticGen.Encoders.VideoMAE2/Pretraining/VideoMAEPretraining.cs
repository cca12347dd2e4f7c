using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// VideoMAE masked autoencoding (Tong et al. 2022; transformers <c>modeling_videomae.py</c> <c>VideoMAEForPreTraining</c>,
/// same keys): the encoder sees only the visible tubes; their tokens are projected to the decoder width
/// (<c>encoder_to_decoder</c>), the masked positions are filled with the learned <c>mask_token</c>, both get the decoder's
/// fixed sin-cos table, and the decoder predicts the masked tubes' pixels. The loss is
/// <see cref="MaskedAutoencodingLoss"/>. <c>Encoder</c> is the network <see cref="VideoMAE2Encoder"/> runs afterwards.
/// </summary>
public sealed class VideoMAEPretraining : nn.Module<Tensor, TubeMask, Tensor>
{
    private readonly VideoMAEModel videomae;
    private readonly Linear encoder_to_decoder;
    private readonly Parameter mask_token;
    private readonly VideoMAEDecoder decoder;
    private readonly SinusoidTableCache _positions;
    private readonly Scalar _one = 1.0.ToScalar();

    public VideoMAEPretraining(VideoMAEConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAEPretraining))
    {
        Config = config.Validated();
        videomae = new VideoMAEModel(config, device, dtype);
        encoder_to_decoder = nn.Linear(config.HiddenSize, config.DecoderHiddenSize, hasBias: false, device: device, dtype: dtype);
        mask_token = new Parameter(zeros([1, 1, config.DecoderHiddenSize], dtype ?? ScalarType.Float32, device));
        decoder = new VideoMAEDecoder(config, device, dtype);
        _positions = new SinusoidTableCache(config.DecoderHiddenSize);
        RegisterComponents();
    }

    public VideoMAEConfig Config { get; }

    /// <summary>The encoder being trained (owned by this module).</summary>
    public VideoMAEModel Encoder => videomae;

    /// <summary>(B, T, C, H, W) normalised pixels and a mask → predicted pixel values of the masked tubes (B, Nm, tubelet·p²·C).</summary>
    public override Tensor forward(Tensor pixels, TubeMask mask)
    {
        using var scope = NewDisposeScope();
        long batch = pixels.shape[0], visible = mask.Visible.shape[1], masked = mask.Masked.shape[1];
        var x = videomae.Forward(pixels, mask.Visible);                                 // (B, Nv, E)
        x = encoder_to_decoder.forward(x);                                              // (B, Nv, Dd)
        var table = _positions.Get(visible + masked, x.dtype, x.device);                // (N, Dd)
        var width = table.shape[1];
        var visiblePositions = table.index_select(0, mask.Visible.flatten()).view(batch, visible, width);  // (B, Nv, Dd)
        var maskedPositions = table.index_select(0, mask.Masked.flatten()).view(batch, masked, width);     // (B, Nm, Dd)
        var fillers = mask_token.expand(batch, masked, width).add(maskedPositions, _one); // (B, Nm, Dd)
        var full = cat([x.add(visiblePositions, _one), fillers], 1);                    // (B, N, Dd) visible first, masked last
        var predictions = decoder.Forward(full, masked);                                // (B, Nm, P)
        return predictions.MoveToOuterDisposeScope();
    }

    /// <summary>The reference's initialisation for training from scratch (the mask token stays zero, as in transformers).</summary>
    public void InitializeWeights() => WeightInit.Apply(this, Config.InitializerRange);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _positions.Dispose();
            _one.Dispose();
        }
        base.Dispose(disposing);
    }
}
