using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Hosting.Encoders;

/// <summary>
/// The "SemanticEncoder" configuration section, e.g.
/// <c>{ "SemanticEncoder": { "Type": "vjepa2", "Weights": "models/vjepa2-vitl", "Device": "cpu", "Dtype": "float32" } }</c>.
/// Mutable for configuration binding; validated at start (<see cref="SemanticEncoderOptionsValidator"/>) and handed
/// to plugins as the immutable <see cref="SemanticEncoderSettings"/>.
/// </summary>
public sealed class SemanticEncoderOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "SemanticEncoder";

    /// <summary>Key of the encoder plugin: "qwen2.5-vl", "vjepa2" or "videomae2" (or any registered plugin).</summary>
    public string Type { get; set; } = "";

    /// <summary>A .safetensors file, a sharded index, or a folder; empty for random initialisation.</summary>
    public string? Weights { get; set; }

    /// <summary>The Hugging Face config.json; default: beside the weights.</summary>
    public string? Config { get; set; }

    /// <summary>A named published size (e.g. "vit-l", "3b") used when no config.json is given.</summary>
    public string? Preset { get; set; }

    /// <summary>"cpu" (default), "cuda", "cuda:1".</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>"float32" (default), "bfloat16", "float16".</summary>
    public string Dtype { get; set; } = "float32";

    /// <summary>The plugin-facing settings.</summary>
    public SemanticEncoderSettings ToSettings() => new(Type, Weights, Config, Preset, Device, Dtype);
}
