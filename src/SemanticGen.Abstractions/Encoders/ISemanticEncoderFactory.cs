namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// Creates one kind of encoder from settings. Plugins register theirs as a keyed service under their key
/// (<c>AddVJepa2Encoder()</c> → "vjepa2"); the host resolves the key named in configuration.
/// </summary>
public interface ISemanticEncoderFactory
{
    /// <summary>The configuration key (e.g. "vjepa2").</summary>
    string Key { get; }

    /// <summary>Builds the encoder described by <paramref name="settings"/> (weights loaded when a path is given).</summary>
    ISemanticEncoder Create(SemanticEncoderSettings settings);
}

/// <summary>
/// The plugin-independent part of an encoder's configuration (section "SemanticEncoder").
/// <paramref name="Preset"/>: a named published size (e.g. "vit-l", "3b") used when no config.json is given;
/// <paramref name="Weights"/>: a .safetensors file, a sharded index, or a folder (with config.json) — null for random
/// initialisation (tests, self-supervised training); <paramref name="Config"/>: the Hugging Face config.json (default:
/// beside the weights); <paramref name="Device"/>: "cpu", "cuda", "cuda:1"; <paramref name="Dtype"/>: "float32",
/// "bfloat16", "float16".
/// </summary>
public sealed record SemanticEncoderSettings(
    string Type, string? Weights = null, string? Config = null, string? Preset = null, string Device = "cpu", string Dtype = "float32");
