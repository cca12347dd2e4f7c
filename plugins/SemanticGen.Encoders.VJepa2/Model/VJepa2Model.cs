using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// The feature part of Hugging Face's <c>VJEPA2Model</c>: only <c>encoder</c>, so parameter names equal the checkpoint
/// keys <c>encoder.*</c>. The predictor (<c>predictor.*</c>), used only for V-JEPA's masked-prediction training, is
/// left out; loading reports its keys as skipped (<see cref="VJepa2Weights"/>).
/// </summary>
public sealed class VJepa2Model : nn.Module<Tensor, Tensor>
{
    private readonly VJepa2Encoder encoder;

    /// <param name="config">Sizes.</param>
    /// <param name="device">Where parameters are created (e.g. <c>torch.META</c> to inspect names and shapes of a large size).</param>
    public VJepa2Model(VJepa2Config config, Device? device = null) : base(nameof(VJepa2Model))
    {
        Config = config.Validate();
        encoder = new VJepa2Encoder(config, device);
        RegisterComponents();
    }

    public VJepa2Config Config { get; }

    internal VJepa2Encoder Encoder => encoder;

    /// <summary>The token grid of a (T, H, W) input; throws when T or the size do not divide into tubelets and patches.</summary>
    public SemanticGrid GridOf(long frames, long height, long width) => encoder.GridOf(frames, height, width);

    /// <param name="pixels">(B, T, C, H, W), ImageNet-normalised (any float dtype/device: moved to the model's)</param>
    /// <returns><c>last_hidden_state</c> (B, N, E) in the model's dtype and device</returns>
    public override Tensor forward(Tensor pixels) => encoder.forward(pixels);

    /// <summary>Random initialisation (truncated normal 0.02, as transformers); see <see cref="VJepa2Encoder.InitializeWeights"/>.</summary>
    public void InitializeWeights() => encoder.InitializeWeights();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            encoder.Dispose();
        base.Dispose(disposing);
    }
}
