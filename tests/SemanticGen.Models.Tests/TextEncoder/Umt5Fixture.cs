using SemanticGen.Models.TextEncoder;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

/// <summary>The recorded tiny umT5 (tests/fixtures/wan/umt5_encoder).</summary>
internal static class Umt5Fixture
{
    public static string Folder => RepoPaths.Fixture("wan", "umt5_encoder");

    public static Umt5Config Config => Umt5Config.FromJson(Path.Combine(Folder, "config.json"));

    public static Umt5EncoderModel Model() => Umt5Weights.FromPretrained(Folder);

    /// <summary>input_ids (2, 9), attention_mask (2, 9), last_hidden_state (2, 9, 32); caller disposes.</summary>
    public static (Tensor InputIds, Tensor Mask, Tensor Expected) Io()
    {
        using var io = TensorSource.Open(Path.Combine(Folder, "io.safetensors"));
        return (io.ReadTensor("input_ids"), io.ReadTensor("attention_mask"), io.ReadTensor("last_hidden_state"));
    }

    public static float MaxAbs(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();
}
