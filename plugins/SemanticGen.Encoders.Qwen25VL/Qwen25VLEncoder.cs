using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// The Qwen2.5-VL vision tower as a SemanticGen semantic encoder: features are the merger's output (the tokens the
/// VLM's LLM sees), one per 2×2 patch block per 2-frame slot, in raster order.
/// </summary>
public sealed class Qwen25VLEncoder : ISemanticEncoder
{
    /// <summary>The configuration key.</summary>
    public const string Key = "qwen2.5-vl";

    private readonly Qwen25VisionTower _tower;
    private readonly Qwen25VLPreprocessor _preprocessor;
    private readonly Device _device;

    /// <summary>
    /// A tower of <paramref name="config"/> on <paramref name="device"/> in <paramref name="dtype"/>, with weights from
    /// <paramref name="weights"/> (file, index or folder) or randomly initialised when null.
    /// </summary>
    public Qwen25VLEncoder(Qwen25VLVisionConfig config, string? weights = null, string device = "cpu",
        ScalarType dtype = ScalarType.Float32, Qwen25VLEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        Options = options ?? new Qwen25VLEncoderOptions();
        _device = torch.device(device);
        // Built on its device and cast before loading: copy_ then converts each stored tensor straight into place.
        _tower = new Qwen25VisionTower(config, _device);
        try
        {
            _tower.to(dtype);
            _tower.eval();
            if (weights is not null)
            {
                Qwen25VLWeights.Load(_tower, weights);
            }
        }
        catch
        {
            _tower.Dispose();
            throw;
        }
        Dtype = dtype;
        _preprocessor = new Qwen25VLPreprocessor(config, Options);
        Info = new SemanticEncoderInfo(Key, config.OutHiddenSize, Options.PreferredFps,
            new EncoderInputRules(config.TemporalPatchSize, config.SizeMultiple));
    }

    public SemanticEncoderInfo Info { get; }

    public Qwen25VLVisionConfig Config { get; }

    public Qwen25VLEncoderOptions Options { get; }

    public ScalarType Dtype { get; }

    public PreprocessedVideo Preprocess(VideoFrames frames) => _preprocessor.Preprocess(frames, _device);

    public SemanticFeatures Encode(PreprocessedVideo input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var grid = input.PatchGrid;
        var output = Run(input.Pixels, grid.T, grid.H, grid.W);
        output.Hidden.Dispose();
        var merge = Config.SpatialMergeSize;
        return new SemanticFeatures(output.Merged, new SemanticGrid(grid.T, grid.H / merge, grid.W / merge),
            SlotSpan.Consecutive(grid.T, Config.TemporalPatchSize, input.Fps));
    }

    /// <summary>
    /// The tower on flattened patches (B, N, 1176) or HF's unbatched (N, 1176): the merger output (raster order)
    /// and the blocks' output (window order), both on the encoder's device and dtype. Used by the parity check.
    /// </summary>
    internal TowerOutput Run(Tensor pixels, int gridT, int gridH, int gridW)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var batched = pixels.dim() == 2 ? pixels.unsqueeze(0) : pixels;   // (B, N, 1176)
        var output = _tower.Forward(batched.to(_device), gridT, gridH, gridW);
        output.Merged.MoveToOuterDisposeScope();
        output.Hidden.MoveToOuterDisposeScope();
        return output;
    }

    internal Qwen25VisionTower Tower => _tower;

    public void Dispose() => _tower.Dispose();
}
