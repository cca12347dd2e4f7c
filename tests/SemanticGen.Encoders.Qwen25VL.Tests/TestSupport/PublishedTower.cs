namespace SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;

/// <summary>
/// The published towers' state-dict names and shapes, written out from the published facts (method.md §8 and the
/// Qwen/Qwen2.5-VL-*-Instruct config.json <c>vision_config</c>: width 1280, depth 32, 16 heads, patch 14, temporal
/// patch 2, merge 2), independent of the module code.
/// </summary>
internal static class PublishedTower
{
    /// <summary>(preset, SwiGLU width, merger output): 3B and 7B use 3420, 32B and 72B 3456.</summary>
    public static TheoryData<string, int, int> Sizes => new()
    {
        { "3b", 3420, 2048 },
        { "7b", 3420, 3584 },
        { "32b", 3456, 5120 },
        { "72b", 3456, 8192 },
    };

    public static IReadOnlyDictionary<string, long[]> Keys(int mlp, int outDim)
    {
        const int d = 1280;
        var keys = new Dictionary<string, long[]> { ["patch_embed.proj.weight"] = [d, 3, 2, 14, 14] };
        for (var i = 0; i < 32; i++)
        {
            var p = $"blocks.{i}.";
            keys[p + "norm1.weight"] = [d];
            keys[p + "norm2.weight"] = [d];
            keys[p + "attn.qkv.weight"] = [3 * d, d];
            keys[p + "attn.qkv.bias"] = [3 * d];
            keys[p + "attn.proj.weight"] = [d, d];
            keys[p + "attn.proj.bias"] = [d];
            keys[p + "mlp.gate_proj.weight"] = [mlp, d];
            keys[p + "mlp.gate_proj.bias"] = [mlp];
            keys[p + "mlp.up_proj.weight"] = [mlp, d];
            keys[p + "mlp.up_proj.bias"] = [mlp];
            keys[p + "mlp.down_proj.weight"] = [d, mlp];
            keys[p + "mlp.down_proj.bias"] = [d];
        }
        keys["merger.ln_q.weight"] = [d];
        keys["merger.mlp.0.weight"] = [4 * d, 4 * d];
        keys["merger.mlp.0.bias"] = [4 * d];
        keys["merger.mlp.2.weight"] = [outDim, 4 * d];
        keys["merger.mlp.2.bias"] = [outDim];
        return keys;
    }
}
