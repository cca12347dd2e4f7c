using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>
/// Parity against a recorded reference forward pass (a folder like <c>tests/fixtures/encoders/vjepa2</c>: HF
/// <c>config.json</c>, <c>model.safetensors</c>, and <c>io.safetensors</c> holding <c>frames_uint8</c> (T, H, W, 3),
/// <c>pixel_values_videos</c> (1, T, C, H, W) and <c>last_hidden_state</c> (1, N, E)).
/// </summary>
public static class VJepa2Parity
{
    /// <summary>Recorded pixels → our model, against the recorded <c>last_hidden_state</c>.</summary>
    public const string PixelsToHiddenState = "pixel_values_videos -> last_hidden_state";

    /// <summary>Recorded uint8 frames → our preprocessing, against the recorded <c>pixel_values_videos</c>.</summary>
    public const string FramesToPixels = "frames_uint8 -> pixel_values_videos";

    /// <summary>Recorded uint8 frames → our preprocessing and model, against the recorded <c>last_hidden_state</c>.</summary>
    public const string FramesToHiddenState = "frames_uint8 -> last_hidden_state";

    /// <summary>The agreed bound on every output's max absolute error (the reference's outputs are O(1)–O(5)).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Max absolute errors, by the names above (in that order).</summary>
    public static ParityReport Check(string fixtureDir, string device = "cpu", string dtype = "float32")
    {
        var settings = new SemanticEncoderSettings(VJepa2SemanticEncoder.Key, Weights: Path.Combine(fixtureDir, "model.safetensors"), Device: device, Dtype: dtype);
        using var encoder = (VJepa2SemanticEncoder)new VJepa2EncoderFactory().Create(settings);
        using var io = TensorSource.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var scope = NewDisposeScope();
        var frames = io.ReadTensor("frames_uint8").unsqueeze(0);                  // (1, T, H, W, 3)
        var recordedPixels = io.ReadTensor("pixel_values_videos");                 // (1, T, C, H, W)
        var recordedHidden = io.ReadTensor("last_hidden_state");                   // (1, N, E)

        var grid = encoder.Model.GridOf(recordedPixels.shape[1], recordedPixels.shape[3], recordedPixels.shape[4]);
        using var recordedInput = new PreprocessedVideo(recordedPixels.alias(), grid, VJepa2SemanticEncoder.PreferredFps);
        using var fromPixels = encoder.Encode(recordedInput);
        using var ourInput = encoder.Preprocess(new VideoFrames(frames, VJepa2SemanticEncoder.PreferredFps));
        using var fromFrames = encoder.Encode(ourInput);
        return new ParityReport(VJepa2SemanticEncoder.Key, fixtureDir,
        [
            new ParityMeasure(PixelsToHiddenState, ParityMeasure.MaxAbsDifference(fromPixels.Tokens, recordedHidden), Tolerance),
            new ParityMeasure(FramesToPixels, ParityMeasure.MaxAbsDifference(ourInput.Pixels, recordedPixels), Tolerance),
            new ParityMeasure(FramesToHiddenState, ParityMeasure.MaxAbsDifference(fromFrames.Tokens, recordedHidden), Tolerance),
        ]);
    }
}
