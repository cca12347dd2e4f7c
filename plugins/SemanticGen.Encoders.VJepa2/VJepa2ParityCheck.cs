using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VJepa2;

/// <summary>The plugin's <see cref="IEncoderParityCheck"/>: <see cref="VJepa2Parity"/> under the key "vjepa2".</summary>
public sealed class VJepa2ParityCheck : IEncoderParityCheck
{
    public string Key => VJepa2SemanticEncoder.Key;

    public ParityReport Check(string fixtureDir, string device = "cpu") => VJepa2Parity.Check(fixtureDir, device);
}
