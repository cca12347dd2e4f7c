using SemanticGen.Models.VideoVae;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

/// <summary>The tiny diffusers AutoencoderKLWan fixture (tests/fixtures/wan/wan_vae) and comparison helpers.</summary>
internal static class VaeFixture
{
    public static string Folder { get; } = RepoPaths.Fixture("wan", "wan_vae");

    public static WanVae LoadedModel() => WanVaeWeights.Load(Folder);

    public static Tensor Read(string name)
    {
        using var io = TensorSource.Open(Path.Combine(Folder, "io.safetensors"));
        return io.ReadTensor(name, ScalarType.Float32);
    }

    public static double MaxAbs(Tensor a, Tensor b)
    {
        a.shape.Should().Equal(b.shape);
        using var scope = NewDisposeScope();
        return a.sub(b).abs().max().item<float>();
    }

    /// <summary>A deterministic clip in [−1, 1]: smooth moving patterns plus a little noise.</summary>
    public static Tensor Clip(long batch, long frames, long height, long width, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var noise = rand([batch, 3, frames, height, width], generator: generator);
        return noise.mul(2.0).sub(1.0).tanh().MoveToOuterDisposeScope();
    }
}
