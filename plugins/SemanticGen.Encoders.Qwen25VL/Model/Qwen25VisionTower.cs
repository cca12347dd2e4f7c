using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>What the tower returns: the merger output in raster order and the blocks' output in window order.</summary>
/// <param name="Merged">(B, gt·gh/2·gw/2, out): the semantic features, raster order (HF <c>pooler_output</c>).</param>
/// <param name="Hidden">(B, gt·gh·gw, D): the last block's output before the merger, in window order (HF <c>last_hidden_state</c>).</param>
internal sealed record TowerOutput(Tensor Merged, Tensor Hidden) : IDisposable
{
    public void Dispose()
    {
        Merged.Dispose();
        Hidden.Dispose();
    }
}

/// <summary>
/// The Qwen2.5-VL vision tower, <c>Qwen2_5_VisionTransformerPretrainedModel</c> (transformers
/// modeling_qwen2_5_vl.py): patch embed → window permutation → blocks (window attention, full attention at
/// <c>fullatt_block_indexes</c>) → merger → inverse permutation. Field names equal the standalone tower's keys.
/// Batches hold B videos of one patch grid; no attention crosses videos or temporal slots.
/// </summary>
internal sealed class Qwen25VisionTower : nn.Module
{
    // Field names = checkpoint keys ("patch_embed.proj.weight", "blocks.{i}.…", "merger.…").
    private readonly PatchEmbed patch_embed;
    private readonly ModuleList<VisionBlock> blocks;
    private readonly PatchMerger merger;
    private readonly HashSet<int> _fullAttention;
    private readonly LayoutCache _layouts;

    public Qwen25VisionTower(Qwen25VLVisionConfig config, Device? device = null) : base(nameof(Qwen25VisionTower))
    {
        Config = config.Validate();
        patch_embed = new PatchEmbed(config, device);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth).Select(_ => new VisionBlock(config, device)).ToArray());
        merger = new PatchMerger(config, device);
        _fullAttention = [.. config.FullAttentionBlocks];
        _layouts = new LayoutCache(config);
        RegisterComponents();
    }

    public Qwen25VLVisionConfig Config { get; }

    /// <summary>The cached layout of a patch grid on the device the weights are on.</summary>
    public VisionLayout Layout(int gridT, int gridH, int gridW) => _layouts.Get(gridT, gridH, gridW, patch_embed.Device);

    /// <param name="pixels">(B, N, 1176) flattened patches in processor order (any float dtype; cast to the weights').</param>
    /// <param name="gridT">Temporal slots; with gridH, gridW the patch grid (N = gt·gh·gw).</param>
    public TowerOutput Forward(Tensor pixels, int gridT, int gridH, int gridW)
    {
        var layout = Layout(gridT, gridH, gridW);
        var expected = (long)gridT * gridH * gridW;
        if (pixels.dim() != 3 || pixels.shape[1] != expected || pixels.shape[2] != Config.PatchVectorSize)
        {
            throw new ArgumentException(
                $"pixels: expected (B, {expected}, {Config.PatchVectorSize}) for grid {gridT}×{gridH}×{gridW}, found ({string.Join(", ", pixels.shape)}).", nameof(pixels));
        }
        using var scope = NewDisposeScope();
        var batch = pixels.shape[0];
        var unit = Config.MergeUnit;
        var x = patch_embed.forward(pixels);                                           // (B, N, D)
        var width = x.shape[2];
        x = x.view(batch, -1, unit, width).index_select(1, layout.WindowIndex)        // (B, N/4, 4, D) window order
            .reshape(batch, -1, width);                                                // (B, N, D)
        for (var i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].Forward(x, layout, _fullAttention.Contains(i));             // (B, N, D)
        }
        var merged = merger.forward(x).index_select(1, layout.InverseIndex);          // (B, N/4, out) raster order
        return new TowerOutput(merged.MoveToOuterDisposeScope(), x.MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            patch_embed.Dispose();
            foreach (var block in blocks)
            {
                block.Dispose();
            }
            blocks.Dispose();
            merger.Dispose();
            _layouts.Dispose();
        }
        base.Dispose(disposing);
    }
}
