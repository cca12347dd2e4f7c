using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// Everything about a patch grid that the tower needs besides the pixels, computed once per (grid, device) with
/// tensor ops and cached by <see cref="Qwen25VisionTower"/>. Mirrors <c>get_window_index</c> and <c>rot_pos_emb</c> of
/// transformers modeling_qwen2_5_vl.py:
/// <list type="bullet">
/// <item>The merged grid of each temporal slot is tiled into windows of <c>ws×ws</c> merged units, padded at the
/// right/bottom edge; <see cref="WindowIndex"/> lists merged units window by window (HF's <c>window_index</c>), and
/// the tower keeps the sequence in that order through all blocks.</item>
/// <item>Window attention runs on equal-length padded windows: <see cref="PadGather"/> lays the window-ordered
/// sequence out as <c>(gt·windows, L)</c> slots (pads repeat token 0), <see cref="KeyMask"/> hides the pads as keys,
/// <see cref="UnpadGather"/> takes the real tokens back. This equals HF's per-segment attention over
/// <c>cu_window_seqlens</c> exactly (pad queries are discarded, pad keys get zero weight).</item>
/// <item>Full attention is per temporal slot: equal segments of <see cref="SlotTokens"/> tokens, no mask.</item>
/// </list>
/// </summary>
internal sealed class VisionLayout : IDisposable
{
    public VisionLayout(Qwen25VLVisionConfig config, int gridT, int gridH, int gridW, Device device)
    {
        var merge = config.SpatialMergeSize;
        var unit = config.MergeUnit;
        var ws = config.WindowMergedUnits;
        if (gridT < 1 || gridH < 1 || gridW < 1 || gridH % merge != 0 || gridW % merge != 0)
        {
            throw new ArgumentException($"patch grid {gridT}×{gridH}×{gridW}: height and width must be positive multiples of the merge size {merge}.");
        }
        (GridT, GridH, GridW) = (gridT, gridH, gridW);
        var (mh, mw) = (gridH / merge, gridW / merge);
        var merged = (long)mh * mw;
        var (windowsH, windowsW) = ((mh + ws - 1) / ws, (mw + ws - 1) / ws);
        Windows = windowsH * windowsW;
        WindowTokens = ws * ws * unit;
        SlotTokens = checked((int)(merged * unit));

        using var scope = NewDisposeScope();
        // Explicit scalars (docs/torchsharp-notes.md: implicit temporaries can be finalized mid-call).
        using var zero = 0L.ToScalar();
        using var one = 1L.ToScalar();
        using var mergeS = ((long)merge).ToScalar();
        using var unitS = ((long)unit).ToScalar();
        using var mergedS = merged.ToScalar();
        using var slotTokensS = ((long)SlotTokens).ToScalar();
        using var paddedTokensS = ((long)Windows * WindowTokens).ToScalar();
        using var rotaryS = ((long)(config.HeadDim / 2)).ToScalar();
        using var thetaS = config.RopeTheta.ToScalar();
        // Merged units of one slot, window by window; -1 marks padding (HF pads with -100).
        var units = arange(merged, dtype: ScalarType.Int64).view(mh, mw);                                       // (mh, mw)
        var padded = nn.functional.pad(units, [0, windowsW * ws - mw, 0, windowsH * ws - mh], value: -1);       // (Wh·ws, Ww·ws)
        var slots = padded.view(windowsH, ws, windowsW, ws).permute(0, 2, 1, 3).reshape(-1);                    // (windows·ws²)
        var valid = slots.ge(zero);                                                                                  // (windows·ws²)
        var slotOrder = slots.masked_select(valid);                                                              // (M)

        var slotOffsets = arange(gridT, dtype: ScalarType.Int64).unsqueeze(1);                                   // (gt, 1)
        var windowIndex = slotOffsets.mul(mergedS).add(slotOrder.unsqueeze(0), one).reshape(-1);                       // (gt·M)
        var inverse = windowIndex.argsort();                                                                     // (gt·M)

        // Token-level gathers between the window-ordered sequence and the padded (gt·windows, L) layout.
        var within = arange(unit, dtype: ScalarType.Int64);                                                     // (4)
        var rank = valid.to_type(ScalarType.Int64).cumsum(0).sub(one).clamp_min(zero);                              // (windows·ws²)
        var padTokens = rank.unsqueeze(1).mul(unitS).add(within, one).reshape(-1);                                     // (windows·L)
        var padGather = slotOffsets.mul(slotTokensS).add(padTokens.unsqueeze(0), one).reshape(-1);                     // (gt·windows·L)
        var validSlots = valid.nonzero().reshape(-1);                                                            // (M)
        var realTokens = validSlots.unsqueeze(1).mul(unitS).add(within, one).reshape(-1);                              // (S)
        var unpadGather = slotOffsets.mul(paddedTokensS).add(realTokens.unsqueeze(0), one).reshape(-1); // (gt·S)
        var keyMask = valid.all().item<bool>()
            ? null
            : valid.repeat_interleave(unit).view(Windows, 1, 1, WindowTokens).repeat(gridT, 1, 1, 1);           // (gt·windows, 1, 1, L)

        // 2D RoPE (rot_pos_emb): rows and columns of each patch in merge-block order, then window order.
        var rows = arange(mh, dtype: ScalarType.Int64).view(mh, 1, 1, 1).mul(mergeS)
            .add(arange(merge, dtype: ScalarType.Int64).view(1, 1, merge, 1), one).expand(mh, mw, merge, merge);    // (mh, mw, 2, 2)
        var cols = arange(mw, dtype: ScalarType.Int64).view(1, mw, 1, 1).mul(mergeS)
            .add(arange(merge, dtype: ScalarType.Int64).view(1, 1, 1, merge), one).expand(mh, mw, merge, merge);    // (mh, mw, 2, 2)
        var rowW = rows.reshape(merged, unit).index_select(0, slotOrder).reshape(-1);                           // (S)
        var colW = cols.reshape(merged, unit).index_select(0, slotOrder).reshape(-1);                           // (S)
        var rotary = config.HeadDim / 2;
        var exponent = arange(0, rotary, 2, dtype: ScalarType.Float32).div(rotaryS);                            // (hd/4)
        var invFreq = full(exponent.shape, thetaS, dtype: ScalarType.Float32).pow(exponent).reciprocal(); // (hd/4)
        var freqs = cat([outer(rowW.to_type(ScalarType.Float32), invFreq), outer(colW.to_type(ScalarType.Float32), invFreq)], 1); // (S, hd/2)
        var angles = cat([freqs, freqs], 1).repeat(gridT, 1).unsqueeze(1);                                     // (gt·S, 1, hd)

        WindowIndex = Keep(windowIndex, device);
        InverseIndex = Keep(inverse, device);
        PadGather = Keep(padGather, device);
        UnpadGather = Keep(unpadGather, device);
        KeyMask = keyMask is null ? null : Keep(keyMask, device);
        Cos = Keep(angles.cos(), device);
        Sin = Keep(angles.sin(), device);
    }

    public int GridT { get; }
    public int GridH { get; }
    public int GridW { get; }

    /// <summary>Windows per temporal slot.</summary>
    public int Windows { get; }

    /// <summary>Tokens of one padded window, ws²·4 (64 for the published towers).</summary>
    public int WindowTokens { get; }

    /// <summary>Tokens (patches) of one temporal slot, gh·gw.</summary>
    public int SlotTokens { get; }

    /// <summary>Merged units in window order → their index in processor (raster) order. (gt·M)</summary>
    public Tensor WindowIndex { get; }

    /// <summary>argsort of <see cref="WindowIndex"/>: undoes the permutation after the merger. (gt·M)</summary>
    public Tensor InverseIndex { get; }

    /// <summary>Window-ordered token → padded layout. (gt·windows·L)</summary>
    public Tensor PadGather { get; }

    /// <summary>Padded layout → window-ordered token. (gt·S)</summary>
    public Tensor UnpadGather { get; }

    /// <summary>True where a padded window slot holds a real key; null when no window needs padding. (gt·windows, 1, 1, L)</summary>
    public Tensor? KeyMask { get; }

    /// <summary>RoPE cos/sin in window order, float32. (gt·S, 1, hd)</summary>
    public Tensor Cos { get; }

    public Tensor Sin { get; }

    private static Tensor Keep(Tensor tensor, Device device) => tensor.to(device).DetachFromDisposeScope();

    public void Dispose()
    {
        WindowIndex.Dispose();
        InverseIndex.Dispose();
        PadGather.Dispose();
        UnpadGather.Dispose();
        KeyMask?.Dispose();
        Cos.Dispose();
        Sin.Dispose();
    }
}
