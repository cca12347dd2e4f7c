using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Reproduces a recorded Hugging Face forward pass (tests/fixtures/encoders/qwen2_5_vl_vision: config.json,
/// model.safetensors, io.safetensors; see its README) in float32: (a) the recorded <c>pixel_values</c> and
/// <c>grid_thw</c> through the tower, compared with <c>pooler_output</c> and <c>last_hidden_state</c>; (b) the recorded
/// <c>frames_uint8</c> through this plugin's preprocessing, compared with <c>pixel_values</c> and <c>pooler_output</c>.
/// </summary>
public static class Qwen25VLParity
{
    /// <summary>The agreed bound on every output's max absolute error (outputs are O(1)–O(5)).</summary>
    public const double Tolerance = 1e-4;

    public static ParityReport Check(string fixtureDir, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(fixtureDir);
        var config = Qwen25VLVisionConfig.FromJson(Path.Combine(fixtureDir, "config.json"));
        using var encoder = new Qwen25VLEncoder(config, Path.Combine(fixtureDir, "model.safetensors"), device);
        using var io = SafetensorsFile.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var scope = NewDisposeScope();
        var pixels = io.ReadTensor("pixel_values", ScalarType.Float32);           // (N, 1176)
        var grid = io.ReadTensor("grid_thw", ScalarType.Int64);                   // (1, 3)
        var pooler = io.ReadTensor("pooler_output", ScalarType.Float32);          // (N/4, out)
        var hidden = io.ReadTensor("last_hidden_state", ScalarType.Float32);      // (N, D)
        var frames = io.ReadTensor("frames_uint8");                               // (T, H, W, 3)
        var (gt, gh, gw) = ((int)grid[0, 0].item<long>(), (int)grid[0, 1].item<long>(), (int)grid[0, 2].item<long>());

        var measures = new List<ParityMeasure>();
        using (var fromPixels = encoder.Run(pixels, gt, gh, gw))
        {
            measures.Add(ParityMeasure.Compare("pixel_values → pooler_output", fromPixels.Merged[0], pooler, Tolerance));
            measures.Add(ParityMeasure.Compare("pixel_values → last_hidden_state", fromPixels.Hidden[0], hidden, Tolerance));
        }
        using (var preprocessed = encoder.Preprocess(new VideoFrames(frames.unsqueeze(0), 1.6)))
        {
            measures.Add(ParityMeasure.Compare("frames_uint8 → pixel_values", preprocessed.Pixels[0], pixels, Tolerance));
            using var features = encoder.Encode(preprocessed);
            measures.Add(ParityMeasure.Compare("frames_uint8 → pooler_output", features.Tokens[0], pooler, Tolerance));
        }
        return new ParityReport(Qwen25VLEncoder.Key, fixtureDir, measures);
    }
}
