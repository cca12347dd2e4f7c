using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// The V-JEPA 2 video encoder (transformers <c>models/vjepa2/modeling_vjepa2.py</c>, <c>VJEPA2Encoder</c>):
/// tubelet embedding → pre-norm RoPE blocks → final LayerNorm. Its parameter names are the checkpoint keys without
/// the leading <c>encoder.</c>, which <see cref="VJepa2Model"/> adds.
/// </summary>
internal sealed class VJepa2Encoder : nn.Module<Tensor, Tensor>
{
    private readonly VJepa2Config _config;
    private readonly VJepa2Rope _rope;

    private readonly VJepa2Embeddings embeddings;
    private readonly ModuleList<VJepa2Layer> layer;
    private readonly LayerNorm layernorm;

    public VJepa2Encoder(VJepa2Config config, Device? device = null) : base(nameof(VJepa2Encoder))
    {
        _config = config.Validate();
        _rope = new VJepa2Rope(config.HeadDim);
        embeddings = new VJepa2Embeddings(config, device);
        layer = new ModuleList<VJepa2Layer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new VJepa2Layer(config, _rope, device)).ToArray());
        layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary>The token grid (T/tubelet, H/patch, W/patch) of an input of <paramref name="frames"/>×<paramref name="height"/>×<paramref name="width"/>.</summary>
    public SemanticGrid GridOf(long frames, long height, long width)
    {
        if (frames < _config.TubeletSize || frames % _config.TubeletSize != 0)
            throw new ArgumentException($"V-JEPA 2 takes frames in tubelets of {_config.TubeletSize}: expected a positive multiple of {_config.TubeletSize}, found T = {frames}.");
        if (height % _config.PatchSize != 0 || width % _config.PatchSize != 0 || height == 0 || width == 0)
            throw new ArgumentException($"V-JEPA 2 input size must be a positive multiple of the patch {_config.PatchSize}: found {height}×{width}.");
        return new SemanticGrid(checked((int)(frames / _config.TubeletSize)), checked((int)(height / _config.PatchSize)), checked((int)(width / _config.PatchSize)));
    }

    /// <param name="pixels">(B, T, C, H, W), normalised</param>
    /// <returns><c>last_hidden_state</c> (B, N, E), tokens in raster order of the (T', H', W') grid</returns>
    public override Tensor forward(Tensor pixels)
    {
        if (pixels.dim() != 5 || pixels.shape[2] != _config.InChannels)
            throw new ArgumentException($"V-JEPA 2 expects pixels (B, T, {_config.InChannels}, H, W); found ({string.Join(", ", pixels.shape)}).");
        using var scope = NewDisposeScope();
        var grid = GridOf(pixels.shape[1], pixels.shape[3], pixels.shape[4]);
        var weight = layernorm.weight!;
        var (cos, sin) = _rope.Tables(grid, weight.device, weight.dtype);            // (N, R) each, cached
        var video = pixels.permute(0, 2, 1, 3, 4).to(weight.dtype, weight.device);    // (B, C, T, H, W)
        var x = embeddings.forward(video).flatten(2).transpose(1, 2);                // (B, N, E)
        foreach (var block in layer)
            x = block.forward(x, cos, sin);                                           // (B, N, E)
        return layernorm.forward(x).MoveToOuterDisposeScope();                        // (B, N, E)
    }

    /// <summary>
    /// Random initialisation as transformers' <c>VJEPA2PreTrainedModel._init_weights</c>: truncated normal
    /// (std 0.02) for linear and conv weights, zero biases, unit LayerNorms. Used when no checkpoint is given.
    /// The reference truncates at ±2 (absolute, 100 std), so a clamped normal is the same distribution; TorchSharp
    /// 0.107's <c>trunc_normal_</c> fills the tensor with the constant <c>std</c> (checked), hence normal_ + clamp.
    /// </summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        using var low = (-2.0).ToScalar();
        using var high = 2.0.ToScalar();
        using var one = 1.0.ToScalar();
        foreach (var (name, parameter) in named_parameters())
        {
            var isNorm = name.Contains("norm", StringComparison.Ordinal);
            if (name.EndsWith(".bias", StringComparison.Ordinal))
                parameter.zero_();
            else if (isNorm)
                parameter.fill_(one);
            else
                parameter.normal_(0.0, 0.02).clamp_(low, high);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            embeddings.Dispose();
            foreach (var block in layer)
                block.Dispose();
            layer.Dispose();
            layernorm.Dispose();
            _rope.Dispose();
        }
        base.Dispose(disposing);
    }
}
