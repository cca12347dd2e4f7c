using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>The tiny Hugging Face VideoMAEModel of tests/fixtures/encoders/videomae and helpers around it.</summary>
internal static class Fixture
{
    public static string Folder => RepoPaths.Fixture("encoders", "videomae");

    public static string Weights => Path.Combine(Folder, "model.safetensors");

    public static VideoMAEConfig Config => VideoMAEConfig.FromFile(Path.Combine(Folder, "config.json"));

    public static string ConfigPath => Path.Combine(Folder, "config.json");

    /// <summary>An encoder with the fixture's config and <paramref name="weights"/> (default: the fixture's).</summary>
    public static VideoMAE2Encoder CreateEncoder(string? weights = null) =>
        (VideoMAE2Encoder)new VideoMAE2EncoderFactory().Create(new SemanticEncoderSettings("videomae2", Weights: weights ?? Weights, Config: ConfigPath));

    /// <summary>
    /// The fixture's tensors with every bias, norm and weight replaced by random values: the recorded model has zero
    /// biases and identity norms (Hugging Face's initialisation), which would hide a misplaced bias.
    /// </summary>
    public static Dictionary<string, Tensor> RandomisedStateDict(int seed)
    {
        var generator = new Generator((ulong)seed);
        return StateDict().ToDictionary(entry => entry.Key, entry =>
        {
            using var noise = randn(entry.Value.shape, generator: generator);
            var scale = entry.Key.EndsWith("weight", StringComparison.Ordinal) && entry.Value.dim() == 1 ? 0.3 : 0.1;
            var offset = entry.Key.EndsWith("weight", StringComparison.Ordinal) && entry.Value.dim() == 1 ? 1.0 : 0.0;
            return entry.Value.dim() >= 2 ? entry.Value : noise * scale + offset;
        });
    }

    /// <summary>Recorded tensors: frames_uint8 (4, 64, 64, 3), pixel_values (1, 4, 3, 64, 64), last_hidden_state (1, 32, 64).</summary>
    public static Tensor Io(string name)
    {
        using var io = SafetensorsFile.Open(Path.Combine(Folder, "io.safetensors"));
        return io.ReadTensor(name);
    }

    /// <summary>Every tensor of the fixture's model.safetensors, by name.</summary>
    public static Dictionary<string, Tensor> StateDict()
    {
        using var file = SafetensorsFile.Open(Weights);
        return file.Keys.ToDictionary(key => key, key => file.ReadTensor(key));
    }

    public static PreprocessedVideo Pixels(VideoMAE2Encoder encoder, Tensor pixels) => new(pixels, encoder.GridOf(pixels), 1.6);

    public static double MaxAbs(Tensor a, Tensor b)
    {
        a.shape.Should().Equal(b.shape);
        using var scope = NewDisposeScope();
        return a.to(ScalarType.Float64).sub(b.to(ScalarType.Float64)).abs().max().item<double>();
    }
}
