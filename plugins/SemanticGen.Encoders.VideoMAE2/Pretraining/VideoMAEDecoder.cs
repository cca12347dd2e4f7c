using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// The masked-autoencoding decoder (transformers <c>modeling_videomae.py</c> <c>VideoMAEDecoder</c>): VideoMAE blocks at
/// the decoder width, then, on the last <c>returned</c> tokens only, LayerNorm (eps 1e-5, the reference's default) and a
/// linear <c>head</c> to the tubelet's pixel values.
/// </summary>
public sealed class VideoMAEDecoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<VideoMAELayer> decoder_layers;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public VideoMAEDecoder(VideoMAEConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(VideoMAEDecoder))
    {
        var shape = new VideoMAEBlockShape(config.DecoderHiddenSize, config.DecoderNumAttentionHeads, config.DecoderIntermediateSize,
            config.QkvBias, config.LayerNormEps);
        decoder_layers = new ModuleList<VideoMAELayer>([.. Enumerable.Range(0, config.DecoderNumHiddenLayers).Select(_ => new VideoMAELayer(shape, device, dtype))]);
        norm = nn.LayerNorm(config.DecoderHiddenSize, 1e-5, device: device, dtype: dtype);
        head = nn.Linear(config.DecoderHiddenSize, config.PatchValues, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, x.shape[1]);

    /// <summary>(B, N, Dd) → (B, <paramref name="returned"/>, tubelet·p²·C) for the last <paramref name="returned"/> tokens.</summary>
    public Tensor Forward(Tensor x, long returned)
    {
        using var scope = NewDisposeScope();
        foreach (var block in decoder_layers)
        {
            x = block.forward(x);                               // (B, N, Dd)
        }
        x = x.narrow(1, x.shape[1] - returned, returned);       // (B, Nm, Dd)
        x = head.forward(norm.forward(x));                      // (B, Nm, P)
        return x.MoveToOuterDisposeScope();
    }
}
