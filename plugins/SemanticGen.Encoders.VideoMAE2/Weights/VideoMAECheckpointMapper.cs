using System.Collections.Immutable;
using System.Text.RegularExpressions;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>
/// Presents a VideoMAE checkpoint in the layout our modules use (Hugging Face's separate query/key/value linears, each
/// with its bias), whatever layout it is stored in. The one place where keys are renamed:
/// <list type="bullet">
/// <item>Hugging Face layout with biases (transformers ≥ 5): passed through.</item>
/// <item>Hugging Face q_bias/v_bias layout (transformers 4 hub checkpoints, <c>VideoMAESelfAttention</c>):
/// <c>….attention.attention.q_bias</c> → <c>query.bias</c>, <c>v_bias</c> → <c>value.bias</c>, and a zero
/// <c>key.bias</c> (the reference adds zeros to the keys).</item>
/// <item>The original MCG-NJU VideoMAE / OpenGVLab VideoMAE 2 layout (<c>[encoder.]blocks.{i}.attn.qkv.weight</c> fused
/// [q; k; v] rows, <c>attn.q_bias</c>/<c>v_bias</c>, <c>attn.proj</c>, <c>norm1</c>/<c>norm2</c>, <c>mlp.fc1</c>/<c>fc2</c>,
/// <c>patch_embed.proj</c>, final <c>norm</c>): renamed as transformers' <c>convert_videomae_to_pytorch.py</c> does,
/// under the prefix <c>videomae.</c>; their other keys (heads, decoder, the fixed <c>pos_embed</c>) keep their names.</item>
/// </list>
/// Shapes are checked up front: q_bias and v_bias must be vectors of the projection's width, fused qkv rows three times it.
/// </summary>
public sealed partial class VideoMAECheckpointMapper : ITensorSource
{
    private readonly ITensorSource _inner;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    private sealed record Entry(TensorInfo Info, Func<ScalarType?, Tensor> Read);

    private VideoMAECheckpointMapper(ITensorSource inner)
    {
        _inner = inner;
        foreach (var key in inner.Keys)
        {
            Map(key);
        }
    }

    /// <summary>Wraps <paramref name="inner"/> (which the mapper then owns and disposes).</summary>
    /// <exception cref="WeightLoadException">A q_bias/v_bias/qkv tensor has the wrong shape or lacks its partner.</exception>
    public static VideoMAECheckpointMapper Wrap(ITensorSource inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        try
        {
            return new VideoMAECheckpointMapper(inner);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    public string Path => _inner.Path;

    public IReadOnlyList<string> Keys => _keys;

    public IReadOnlyDictionary<string, string> Metadata => _inner.Metadata;

    public bool Contains(string key) => _entries.ContainsKey(key);

    public TensorInfo GetInfo(string key) =>
        _entries.TryGetValue(key, out var entry) ? entry.Info : throw new KeyNotFoundException($"{Path}: no tensor named '{key}' (after VideoMAE key mapping).");

    public Tensor ReadTensor(string key, ScalarType? dtype = null) =>
        _entries.TryGetValue(key, out var entry) ? entry.Read(dtype) : throw new KeyNotFoundException($"{Path}: no tensor named '{key}' (after VideoMAE key mapping).");

    public void Dispose() => _inner.Dispose();

    private void Map(string key)
    {
        var original = OriginalKey().Match(key);
        if (original.Success)
        {
            MapOriginal(key, original);
            return;
        }
        var split = SplitBias().Match(key);
        if (split.Success)
        {
            MapSplitBias(key, split.Groups["p"].Value, split.Groups["which"].Value, rowsKey: split.Groups["p"].Value + "query.weight");
            return;
        }
        Add(key, _inner.GetInfo(key), dtype => _inner.ReadTensor(key, dtype));
    }

    private void MapOriginal(string key, Match match)
    {
        if (match.Groups["stem"].Value == "patch_embed.proj")
        {
            Rename(key, "videomae.embeddings.patch_embeddings.projection." + match.Groups["wb"].Value);
            return;
        }
        if (match.Groups["stem"].Value == "norm")
        {
            Rename(key, "videomae.layernorm." + match.Groups["wb"].Value);
            return;
        }
        var layer = $"videomae.encoder.layer.{match.Groups["i"].Value}.";
        var rest = match.Groups["rest"].Value;
        var prefix = key[..^rest.Length];
        switch (rest)
        {
            case "attn.qkv.weight" or "attn.qkv.bias":
                SplitFused(key, layer + "attention.attention.", rest.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias", prefix + "attn.q_bias");
                return;
            case "attn.q_bias" or "attn.v_bias":
                MapSplitBias(key, layer + "attention.attention.", rest[5..6], rowsKey: null, partnerPrefix: prefix + "attn.");
                return;
        }
        var part = RenamedBlockPart().Match(rest);
        if (!part.Success)
        {
            // Not part of this architecture (e.g. layer-scale gammas): kept among the encoder's keys under its own name,
            // so that a strict load reports it as unexpected instead of skipping it.
            Rename(key, VideoMAECheckpoint.EncoderPrefix + key);
            return;
        }
        var renamed = part.Value switch
        {
            "attn.proj." => "attention.output.dense.",
            "norm1." => "layernorm_before.",
            "norm2." => "layernorm_after.",
            "mlp.fc1." => "intermediate.dense.",
            _ => "output.dense.",
        };
        Rename(key, layer + renamed + rest[part.Length..]);
    }

    /// <summary>q_bias / v_bias → query.bias / value.bias, plus the zero key.bias (emitted once, with q_bias).</summary>
    private void MapSplitBias(string key, string target, string which, string? rowsKey, string? partnerPrefix = null)
    {
        var info = _inner.GetInfo(key);
        var partner = (partnerPrefix ?? key[..^"q_bias".Length]) + (which == "q" ? "v_bias" : "q_bias");
        if (!_inner.Contains(partner))
        {
            throw Mismatch(key, target + (which == "q" ? "query" : "value") + ".bias", $"found no partner '{partner}' (q_bias and v_bias come together).");
        }
        var partnerInfo = _inner.GetInfo(partner);
        if (info.Shape.Length != 1 || !info.Shape.SequenceEqual(partnerInfo.Shape))
        {
            throw Mismatch(key, target, $"shape: expected a vector shaped like '{partner}' {partnerInfo.ShapeText}, found {info.ShapeText}.");
        }
        if (rowsKey is not null && _inner.Contains(rowsKey) && _inner.GetInfo(rowsKey).Shape[0] != info.Shape[0])
        {
            throw Mismatch(key, target, $"shape: expected [{_inner.GetInfo(rowsKey).Shape[0]}] (the rows of '{rowsKey}'), found {info.ShapeText}.");
        }
        if (which == "q")
        {
            Add(target + "query.bias", info with { Name = target + "query.bias" }, dtype => _inner.ReadTensor(key, dtype));
            var stored = info.Dtype.ToTorch();
            Add(target + "key.bias", info with { Name = target + "key.bias" }, dtype => zeros(info.Shape.ToArray(), dtype ?? stored));
        }
        else
        {
            Add(target + "value.bias", info with { Name = target + "value.bias" }, dtype => _inner.ReadTensor(key, dtype));
        }
    }

    /// <summary>Fused [q; k; v] rows → three tensors; each row block is a contiguous third of the stored bytes.</summary>
    private void SplitFused(string key, string target, string suffix, string qBiasKey)
    {
        var info = _inner.GetInfo(key);
        if (info.Shape.Length == 0 || info.Shape[0] % 3 != 0)
        {
            throw Mismatch(key, target + "query." + suffix, $"shape: expected 3·width rows of fused q, k, v, found {info.ShapeText}.");
        }
        var rows = info.Shape[0] / 3;
        if (_inner.Contains(qBiasKey) && _inner.GetInfo(qBiasKey).Shape[0] != rows)
        {
            throw Mismatch(qBiasKey, target + "query.bias", $"shape: expected [{rows}] (a third of the rows of '{key}' {info.ShapeText}), found {_inner.GetInfo(qBiasKey).ShapeText}.");
        }
        var partBytes = info.ByteLength / 3;
        string[] parts = ["query", "key", "value"];
        for (var part = 0; part < 3; part++)
        {
            var name = $"{target}{parts[part]}.{suffix}";
            var first = part * rows;
            var shape = info.Shape.SetItem(0, rows);
            Add(name, info with { Name = name, Shape = shape, FileOffset = info.FileOffset + part * partBytes, ByteLength = partBytes }, dtype =>
            {
                using var all = _inner.ReadTensor(key, dtype);
                using var slice = all.narrow(0, first, rows);
                return slice.clone();
            });
        }
    }

    private void Rename(string key, string name) => Add(name, _inner.GetInfo(key) with { Name = name }, dtype => _inner.ReadTensor(key, dtype));

    private void Add(string name, TensorInfo info, Func<ScalarType?, Tensor> read)
    {
        if (!_entries.TryAdd(name, new Entry(info, read)))
        {
            throw Mismatch(name, name, "the checkpoint holds this tensor in two layouts (e.g. key.bias and q_bias/v_bias).");
        }
        _keys.Add(name);
    }

    private WeightLoadException Mismatch(string key, string name, string problem) =>
        new(_inner.Path, [], [], [new WeightMismatch(name, key, problem)]);

    [GeneratedRegex(@"^(?:encoder\.)?(?:blocks\.(?<i>\d+)\.(?<rest>.+)|(?<stem>patch_embed\.proj|norm)\.(?<wb>weight|bias))$")]
    private static partial Regex OriginalKey();

    [GeneratedRegex(@"^(?<p>.*\.attention\.attention\.)(?<which>q|v)_bias$")]
    private static partial Regex SplitBias();

    [GeneratedRegex(@"^(attn\.proj\.|norm1\.|norm2\.|mlp\.fc1\.|mlp\.fc2\.)")]
    private static partial Regex RenamedBlockPart();
}
