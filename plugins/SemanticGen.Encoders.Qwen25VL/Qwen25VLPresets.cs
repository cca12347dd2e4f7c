namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// The published Qwen2.5-VL vision towers (Hugging Face <c>Qwen/Qwen2.5-VL-{3B,7B,32B,72B}-Instruct</c>
/// config.json, <c>vision_config</c>): all depth 32, width 1280, 16 heads, patch 14, window 112, full-attention
/// blocks [7, 15, 23, 31]; they differ in the SwiGLU width and the merger's output (the LLM's width).
/// </summary>
public static class Qwen25VLPresets
{
    private static readonly Dictionary<string, Qwen25VLVisionConfig> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["3b"] = new() { IntermediateSize = 3420, OutHiddenSize = 2048 },
        ["7b"] = new() { IntermediateSize = 3420, OutHiddenSize = 3584 },
        ["32b"] = new() { IntermediateSize = 3456, OutHiddenSize = 5120 },
        ["72b"] = new() { IntermediateSize = 3456, OutHiddenSize = 8192 },
    };

    /// <summary>The preset names: "3b", "7b", "32b", "72b".</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Keys];

    /// <summary>The named tower's config; unknown names are an <see cref="ArgumentException"/> listing the known ones.</summary>
    public static Qwen25VLVisionConfig Get(string name) =>
        Table.TryGetValue(name, out var config)
            ? config
            : throw new ArgumentException($"unknown Qwen2.5-VL preset '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
