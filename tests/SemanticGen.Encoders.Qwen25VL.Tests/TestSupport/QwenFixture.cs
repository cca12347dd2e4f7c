using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;

/// <summary>The tiny recorded tower (tests/fixtures/encoders/qwen2_5_vl_vision) and inputs for it.</summary>
internal static class QwenFixture
{
    public static string Folder => RepoPaths.Fixture("encoders", "qwen2_5_vl_vision");

    public static string WeightsFile => Path.Combine(Folder, "model.safetensors");

    public static string IoFile => Path.Combine(Folder, "io.safetensors");

    /// <summary>depth 4, width 64, 4 heads, MLP 96, window 56 px (2×2 merged units), full attention at [1, 3], out 80.</summary>
    public static Qwen25VLVisionConfig Config => Qwen25VLVisionConfig.FromJson(Path.Combine(Folder, "config.json"));

    public static Qwen25VLEncoder Encoder(Qwen25VLVisionConfig? config = null, ScalarType dtype = ScalarType.Float32) =>
        new(config ?? Config, WeightsFile, "cpu", dtype);

    /// <summary>The encoder's parameters by name, as float32 CPU copies (for the reference).</summary>
    public static Dictionary<string, Tensor> Parameters(Qwen25VLEncoder encoder) =>
        encoder.Tower.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float32, CPU).clone());

    /// <summary>Seeded noise frames, uint8 (B, T, H, W, 3).</summary>
    public static Tensor Frames(int batch, int time, int height, int width, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randint(0, 256, [batch, time, height, width, 3], dtype: ScalarType.Byte, generator: generator);
    }

    public static double MaxAbs(Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape);
        using var scope = NewDisposeScope();
        return actual.to(ScalarType.Float64, CPU).sub(expected.to(ScalarType.Float64, CPU)).abs().max().item<double>();
    }
}
