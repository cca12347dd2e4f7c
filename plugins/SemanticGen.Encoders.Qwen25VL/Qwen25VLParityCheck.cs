using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>The plugin's <see cref="IEncoderParityCheck"/>: <see cref="Qwen25VLParity"/> under the key "qwen2.5-vl".</summary>
public sealed class Qwen25VLParityCheck : IEncoderParityCheck
{
    public string Key => Qwen25VLEncoder.Key;

    public ParityReport Check(string fixtureDir, string device = "cpu") => Qwen25VLParity.Check(fixtureDir, device);
}
