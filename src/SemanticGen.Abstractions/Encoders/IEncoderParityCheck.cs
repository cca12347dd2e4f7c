namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// Reproduces a recorded reference forward pass of one encoder kind: a fixture folder with the reference's
/// <c>config.json</c>, <c>model.safetensors</c> and <c>io.safetensors</c> (recorded frames, preprocessed input and
/// outputs). Registered by each plugin under its key, next to its <see cref="ISemanticEncoderFactory"/>.
/// </summary>
public interface IEncoderParityCheck
{
    /// <summary>The encoder key (e.g. "vjepa2").</summary>
    string Key { get; }

    /// <summary>Runs (a) the recorded preprocessed input and (b) the recorded uint8 frames through the plugin's own preprocessing.</summary>
    ParityReport Check(string fixtureDir, string device = "cpu");
}
