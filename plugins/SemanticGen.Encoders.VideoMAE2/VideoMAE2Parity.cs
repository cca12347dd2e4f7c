using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Parity against a recorded Hugging Face forward pass (a folder like <c>tests/fixtures/encoders/videomae</c>:
/// <c>config.json</c>, <c>model.safetensors</c>, and <c>io.safetensors</c> holding <c>frames_uint8</c> (T, H, W, 3),
/// <c>pixel_values</c> (1, T, 3, H, W) and <c>last_hidden_state</c> (1, N, D)); float32.
/// </summary>
public static class VideoMAE2Parity
{
    /// <summary>Recorded pixels → our model, against the recorded <c>last_hidden_state</c>.</summary>
    public const string PixelsToHiddenState = "pixel_values -> last_hidden_state";

    /// <summary>Recorded uint8 frames → our preprocessing, against the recorded <c>pixel_values</c>.</summary>
    public const string FramesToPixels = "frames_uint8 -> pixel_values";

    /// <summary>Recorded uint8 frames → our preprocessing and model, against the recorded <c>last_hidden_state</c>.</summary>
    public const string FramesToHiddenState = "frames_uint8 -> last_hidden_state";

    /// <summary>The agreed bound on every max absolute error (the reference's outputs are O(1)–O(5)).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Max absolute errors, by the names above (in that order), with the model on <paramref name="device"/>.</summary>
    public static ParityReport Check(string fixtureDir, string device = "cpu")
    {
        var settings = new SemanticEncoderSettings(VideoMAE2EncoderFactory.FactoryKey, Weights: Path.Combine(fixtureDir, "model.safetensors"), Device: device);
        using var encoder = (VideoMAE2Encoder)new VideoMAE2EncoderFactory().Create(settings);
        using var io = SafetensorsFile.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var scope = NewDisposeScope();
        var frames = io.ReadTensor("frames_uint8").unsqueeze(0);                   // (1, T, H, W, 3)
        var pixels = io.ReadTensor("pixel_values", ScalarType.Float32);           // (1, T, 3, H, W)
        var hidden = io.ReadTensor("last_hidden_state", ScalarType.Float32);      // (1, N, D)

        using var recorded = new PreprocessedVideo(pixels.alias(), encoder.GridOf(pixels), VideoMAE2Encoder.SemanticFps);
        using var fromPixels = encoder.Encode(recorded);
        using var ours = encoder.Preprocess(new VideoFrames(frames, VideoMAE2Encoder.SemanticFps));
        using var fromFrames = encoder.Encode(ours);
        return new ParityReport(VideoMAE2EncoderFactory.FactoryKey, fixtureDir,
        [
            new ParityMeasure(PixelsToHiddenState, ParityMeasure.MaxAbsDifference(fromPixels.Tokens, hidden), Tolerance),
            new ParityMeasure(FramesToPixels, ParityMeasure.MaxAbsDifference(ours.Pixels, pixels), Tolerance),
            new ParityMeasure(FramesToHiddenState, ParityMeasure.MaxAbsDifference(fromFrames.Tokens, hidden), Tolerance),
        ]);
    }
}

/// <summary>The plugin's <see cref="IEncoderParityCheck"/>: <see cref="VideoMAE2Parity"/> under the key "videomae2".</summary>
public sealed class VideoMAE2ParityCheck : IEncoderParityCheck
{
    public string Key => VideoMAE2EncoderFactory.FactoryKey;

    public ParityReport Check(string fixtureDir, string device = "cpu") => VideoMAE2Parity.Check(fixtureDir, device);
}
