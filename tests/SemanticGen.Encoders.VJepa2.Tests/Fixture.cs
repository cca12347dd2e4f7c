using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>The recorded reference pass (tests/fixtures/encoders/vjepa2) and small models built for tests.</summary>
internal static class Fixture
{
    public static string Folder => RepoPaths.Fixture("encoders", "vjepa2");
    public static string Weights => Path.Combine(Folder, "model.safetensors");
    public static string ConfigPath => Path.Combine(Folder, "config.json");
    public static string Io => Path.Combine(Folder, "io.safetensors");

    public static VJepa2Config Config => VJepa2Config.FromJson(ConfigPath);

    /// <summary>The fixture's model with its recorded weights, float32 on the CPU.</summary>
    public static VJepa2Model LoadedModel()
    {
        var model = new VJepa2Model(Config);
        VJepa2Weights.Load(model, Weights);
        model.eval();
        return model;
    }

    /// <summary>A recorded tensor from io.safetensors.</summary>
    public static Tensor Read(string name)
    {
        using var io = TensorSource.Open(Io);
        return io.ReadTensor(name);
    }

    /// <summary>A model with random weights large enough (std 0.2, norms around 1) that positions and heads matter.</summary>
    public static VJepa2Model RandomModel(VJepa2Config config, int seed)
    {
        var model = new VJepa2Model(config);
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                using var noise = randn(parameter.shape, generator: generator);
                using var scale = (name.Contains("norm", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal) ? 0.1 : 0.2).ToScalar();
                using var offset = (name.Contains("norm", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal) ? 1.0 : 0.0).ToScalar();
                parameter.copy_(noise.mul(scale).add(offset));
            }
        }
        model.eval();
        return model;
    }

    /// <summary>Normalised-looking random pixels (B, T, 3, S, S).</summary>
    public static Tensor RandomPixels(long batch, long frames, long size, int seed) =>
        randn([batch, frames, 3, size, size], generator: new Generator((ulong)seed));

    /// <summary>Random uint8 frames (B, T, H, W, 3).</summary>
    public static Tensor RandomFrames(long batch, long frames, long height, long width, int seed) =>
        randint(0, 256, [batch, frames, height, width, 3], dtype: ScalarType.Byte, generator: new Generator((ulong)seed));

    public static double MaxAbs(Tensor a, Tensor b)
    {
        a.shape.Should().Equal(b.shape);
        using var difference = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs();
        return difference.max().item<double>();
    }
}
