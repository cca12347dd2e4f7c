using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// VideoMAE / VideoMAE 2 as a SemanticGen semantic encoder: the full token grid (B, T/2 · S/p · S/p, E) of the
/// encoder's last block (after the final LayerNorm only for configs without mean pooling), no pooling.
/// Owns its model; inference runs under no_grad on the device and dtype it was created with.
/// </summary>
public sealed class VideoMAE2Encoder : ISemanticEncoder
{
    /// <summary>The rate SemanticGen samples frames at for its semantic encoder.</summary>
    public const double SemanticFps = 1.6;

    private readonly VideoMAEPreprocessor _preprocessor;

    /// <summary>Wraps <paramref name="model"/> (which it then owns), already on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public VideoMAE2Encoder(VideoMAEModel model, Device device, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Device = device;
        Dtype = dtype;
        var config = model.Config;
        _preprocessor = new VideoMAEPreprocessor(config, device, dtype);
        Info = new SemanticEncoderInfo(
            VideoMAE2EncoderFactory.FactoryKey, config.HiddenSize, SemanticFps,
            new EncoderInputRules(config.TubeletSize, config.PatchSize, config.ImageSize, config.ImageSize, config.NumFrames));
        model.eval();
    }

    public SemanticEncoderInfo Info { get; }

    /// <summary>The encoder network (e.g. to train it with <see cref="VideoMAEPretraining"/>).</summary>
    public VideoMAEModel Model { get; }

    public Device Device { get; }

    public ScalarType Dtype { get; }

    public PreprocessedVideo Preprocess(VideoFrames frames) => _preprocessor.Preprocess(frames);

    /// <summary>
    /// Encodes (B, T, C, H, W) pixels. Any T, H, W that are multiples of the tubelet and patch are accepted (the
    /// position table extends by its formula); <see cref="PreprocessedVideo.PatchGrid"/> must match the pixels.
    /// </summary>
    public SemanticFeatures Encode(PreprocessedVideo input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var grid = GridOf(input.Pixels);
        if (grid != input.PatchGrid)
        {
            throw new ArgumentException($"the input's patch grid {input.PatchGrid} does not match its pixels, which give {grid}.", nameof(input));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pixels = input.Pixels.to(Dtype, Device);    // (B, T, C, H, W)
        var tokens = Model.forward(pixels);             // (B, N, E)
        return new SemanticFeatures(tokens.MoveToOuterDisposeScope(), grid, SlotSpan.Consecutive(grid.T, Model.Config.TubeletSize, input.Fps));
    }

    /// <summary>The token grid of (B, T, C, H, W) pixels; a clear error when they do not tile into tubelets and patches.</summary>
    public SemanticGrid GridOf(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var config = Model.Config;
        if (pixels.dim() != 5 || pixels.shape[2] != config.NumChannels)
        {
            throw new ArgumentException(
                $"VideoMAE expects pixels (B, T, {config.NumChannels}, H, W); found [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        }
        long time = pixels.shape[1], height = pixels.shape[3], width = pixels.shape[4];
        if (time % config.TubeletSize != 0 || height % config.PatchSize != 0 || width % config.PatchSize != 0 || time == 0 || height == 0 || width == 0)
        {
            throw new ArgumentException(
                $"VideoMAE expects T a multiple of {config.TubeletSize} and H, W multiples of {config.PatchSize}; found T={time}, H={height}, W={width}.",
                nameof(pixels));
        }
        return new SemanticGrid((int)(time / config.TubeletSize), (int)(height / config.PatchSize), (int)(width / config.PatchSize));
    }

    public void Dispose() => Model.Dispose();
}
