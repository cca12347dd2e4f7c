using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// V-JEPA 2 as a SemanticGen encoder: frames → <see cref="VJepa2Preprocessing"/> (crop×crop, ImageNet-normalised) →
/// <see cref="VJepa2Model"/> → <c>last_hidden_state</c> (B, T/2·crop/16·crop/16, E), one temporal slot per tubelet.
/// Odd frame counts are rejected (the contract's rule) rather than padded: the reference's Conv3d would silently drop
/// the last frame, and repeating it would invent content. Owns the model.
/// </summary>
public sealed class VJepa2SemanticEncoder : ISemanticEncoder
{
    /// <summary>The configuration key.</summary>
    public const string Key = "vjepa2";

    /// <summary>SemanticGen samples frames for the semantic encoder at 1.6 fps (method §2).</summary>
    public const double PreferredFps = 1.6;

    private readonly VJepa2Preprocessing _preprocessing;

    /// <summary>Wraps <paramref name="model"/> (taking ownership) already on its device and dtype.</summary>
    public VJepa2SemanticEncoder(VJepa2Model model, VJepa2Preprocessing? preprocessing = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _preprocessing = preprocessing ?? new VJepa2Preprocessing();
        Model.eval();
        var config = model.Config;
        Info = new SemanticEncoderInfo(Key, config.HiddenSize, PreferredFps,
            new EncoderInputRules(config.TubeletSize, config.PatchSize, config.CropSize, config.CropSize, config.FramesPerClip));
    }

    public SemanticEncoderInfo Info { get; }

    /// <summary>The underlying model (owned by this encoder).</summary>
    public VJepa2Model Model { get; }

    private Device Device => Model.parameters().First().device;

    public PreprocessedVideo Preprocess(VideoFrames frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var video = frames.Frames;
        if (video.dim() != 5)
            throw new ArgumentException($"frames must be (B, T, H, W, 3); found ({string.Join(", ", video.shape)}).", nameof(frames));
        var tubelet = Model.Config.TubeletSize;
        if (video.shape[1] == 0 || video.shape[1] % tubelet != 0)
            throw new ArgumentException($"V-JEPA 2 takes frames in tubelets of {tubelet}: expected T a positive multiple of {tubelet}, found T = {video.shape[1]}.", nameof(frames));
        var crop = Model.Config.CropSize;
        var pixels = _preprocessing.Apply(video, crop, Device);                 // (B, T, 3, crop, crop)
        return new PreprocessedVideo(pixels, Model.GridOf(video.shape[1], crop, crop), frames.Fps);
    }

    public SemanticFeatures Encode(PreprocessedVideo input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pixels = input.Pixels;
        if (pixels.dim() != 5)
            throw new ArgumentException($"pixels must be (B, T, C, H, W); found ({string.Join(", ", pixels.shape)}).", nameof(input));
        var grid = Model.GridOf(pixels.shape[1], pixels.shape[3], pixels.shape[4]);
        if (grid != input.PatchGrid)
            throw new ArgumentException($"the pixels' patch grid is {grid} but the input says {input.PatchGrid}.", nameof(input));
        using var noGrad = no_grad();
        var tokens = Model.forward(pixels);                                     // (B, N, E)
        return new SemanticFeatures(tokens, grid, SlotSpan.Consecutive(grid.T, Model.Config.TubeletSize, input.Fps));
    }

    public void Dispose() => Model.Dispose();
}
