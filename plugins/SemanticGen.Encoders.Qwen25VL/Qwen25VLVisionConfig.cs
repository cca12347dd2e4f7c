using System.Text.Json;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// The Qwen2.5-VL vision tower's shape, as Hugging Face's <c>Qwen2_5_VLVisionConfig</c> names it
/// (transformers <c>models/qwen2_5_vl/configuration_qwen2_5_vl.py</c>). Defaults are the published towers' common
/// values (method.md §8); the sizes differ only in <see cref="IntermediateSize"/> and <see cref="OutHiddenSize"/>.
/// </summary>
public sealed record Qwen25VLVisionConfig
{
    public int Depth { get; init; } = 32;
    public int HiddenSize { get; init; } = 1280;
    public int IntermediateSize { get; init; } = 3420;
    public int NumHeads { get; init; } = 16;
    public int InChannels { get; init; } = 3;
    public int PatchSize { get; init; } = 14;
    public int TemporalPatchSize { get; init; } = 2;
    public int SpatialMergeSize { get; init; } = 2;
    /// <summary>Window side in pixels (112 = 4×4 merged units = 8×8 patches).</summary>
    public int WindowSize { get; init; } = 112;
    public int OutHiddenSize { get; init; } = 3584;
    public IReadOnlyList<int> FullAttentionBlocks { get; init; } = [7, 15, 23, 31];
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>RMSNorm epsilon; hard-coded 1e-6 in the reference (not a config field).</summary>
    public double NormEps { get; init; } = 1e-6;

    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>Values in one flattened patch: C·temporal·patch·patch (1176 for the published towers).</summary>
    public int PatchVectorSize => InChannels * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>Frame sides must be multiples of this: patch · merge (28).</summary>
    public int SizeMultiple => PatchSize * SpatialMergeSize;

    /// <summary>Window side in merged units (112 / 2 / 14 = 4).</summary>
    public int WindowMergedUnits => WindowSize / SpatialMergeSize / PatchSize;

    /// <summary>Patches merged into one output token (2×2 = 4).</summary>
    public int MergeUnit => SpatialMergeSize * SpatialMergeSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when the shape cannot be built.</summary>
    public Qwen25VLVisionConfig Validate()
    {
        Require(Depth > 0, nameof(Depth), Depth);
        Require(NumHeads > 0 && HiddenSize % NumHeads == 0, nameof(HiddenSize), $"{HiddenSize} (must divide by num_heads {NumHeads})");
        // 2D RoPE splits head_dim/2 into a row half and a column half of rotation pairs.
        Require(HeadDim % 4 == 0, nameof(NumHeads), $"head dim {HeadDim} (must be a multiple of 4 for 2D RoPE)");
        Require(IntermediateSize > 0, nameof(IntermediateSize), IntermediateSize);
        Require(OutHiddenSize > 0, nameof(OutHiddenSize), OutHiddenSize);
        Require(PatchSize > 0 && TemporalPatchSize > 0 && SpatialMergeSize > 0 && InChannels > 0, nameof(PatchSize), PatchSize);
        Require(WindowSize % (SpatialMergeSize * PatchSize) == 0 && WindowMergedUnits > 0, nameof(WindowSize),
            $"{WindowSize} (must be a positive multiple of patch·merge = {SizeMultiple})");
        foreach (var block in FullAttentionBlocks)
        {
            Require(block >= 0 && block < Depth, nameof(FullAttentionBlocks), $"{block} (depth {Depth})");
        }
        return this;
    }

    /// <summary>
    /// Reads a Hugging Face config.json: either the standalone vision config (<c>model_type</c>
    /// "qwen2_5_vl_vision", as in the fixtures) or a whole VLM config whose <c>vision_config</c> section holds it.
    /// Absent fields keep the defaults above; published configs spell the channel count <c>in_chans</c>.
    /// </summary>
    public static Qwen25VLVisionConfig FromJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var vision = root.TryGetProperty("vision_config", out var section) && section.ValueKind == JsonValueKind.Object ? section : root;
        if (!vision.TryGetProperty("hidden_size", out _) && !vision.TryGetProperty("depth", out _))
        {
            throw new ArgumentException($"{path}: neither a Qwen2.5-VL vision config nor a VLM config with a 'vision_config' section.", nameof(path));
        }
        if (vision.TryGetProperty("hidden_act", out var act) && act.GetString() is { } activation && activation != "silu")
        {
            throw new ArgumentException($"{path}: hidden_act '{activation}' is not supported (the Qwen2.5-VL tower uses 'silu').", nameof(path));
        }
        var defaults = new Qwen25VLVisionConfig();
        var theta = vision.TryGetProperty("rope_parameters", out var rope) && rope.TryGetProperty("rope_theta", out var t) ? t.GetDouble() : defaults.RopeTheta;
        return new Qwen25VLVisionConfig
        {
            Depth = Int(vision, "depth", defaults.Depth),
            HiddenSize = Int(vision, "hidden_size", defaults.HiddenSize),
            IntermediateSize = Int(vision, "intermediate_size", defaults.IntermediateSize),
            NumHeads = Int(vision, "num_heads", defaults.NumHeads),
            InChannels = Int(vision, "in_channels", Int(vision, "in_chans", defaults.InChannels)),
            PatchSize = Int(vision, "patch_size", defaults.PatchSize),
            TemporalPatchSize = Int(vision, "temporal_patch_size", defaults.TemporalPatchSize),
            SpatialMergeSize = Int(vision, "spatial_merge_size", defaults.SpatialMergeSize),
            WindowSize = Int(vision, "window_size", defaults.WindowSize),
            OutHiddenSize = Int(vision, "out_hidden_size", defaults.OutHiddenSize),
            FullAttentionBlocks = vision.TryGetProperty("fullatt_block_indexes", out var full)
                ? full.EnumerateArray().Select(e => e.GetInt32()).ToArray()
                : defaults.FullAttentionBlocks,
            RopeTheta = theta,
        }.Validate();
    }

    private static int Int(JsonElement element, string name, int fallback) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : fallback;

    private static void Require(bool condition, string field, object found)
    {
        if (!condition)
        {
            throw new ArgumentException($"Qwen2.5-VL vision config: invalid {field}: {found}.", field);
        }
    }
}
