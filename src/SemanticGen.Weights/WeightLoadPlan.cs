using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>A checkpoint key matched to the module entry that will receive it.</summary>
internal sealed record PlannedCopy(string Name, string Key, torch.Tensor Destination, SafetensorsDtype Stored);

/// <summary>
/// Matches checkpoint keys to module entries and checks shapes and dtypes from headers alone, so that a load either
/// fails before touching the module or copies into a module known to fit.
/// </summary>
internal sealed record WeightLoadPlan(
    IReadOnlyList<PlannedCopy> Copies,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<WeightMismatch> Mismatches)
{
    public static WeightLoadPlan Create(IReadOnlyDictionary<string, torch.Tensor> destinations, ITensorSource source, IReadOnlyList<string> stripPrefixes)
    {
        var keyOfName = new Dictionary<string, string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var skipped = new List<string>();
        var mismatches = new List<WeightMismatch>();
        foreach (var key in source.Keys)
        {
            if (!TryMapKey(key, stripPrefixes, out var name))
            {
                skipped.Add(key);
            }
            else if (!destinations.ContainsKey(name))
            {
                unexpected.Add(key);
            }
            else if (!keyOfName.TryAdd(name, key))
            {
                mismatches.Add(new WeightMismatch(name, key, $"both '{keyOfName[name]}' and '{key}' map to this entry."));
            }
        }

        var copies = new List<PlannedCopy>(keyOfName.Count);
        foreach (var (name, key) in keyOfName)
        {
            var destination = destinations[name];
            var info = source.GetInfo(key);
            var problem = Incompatibility(info, destination);
            if (problem is null)
            {
                copies.Add(new PlannedCopy(name, key, destination, info.Dtype));
            }
            else
            {
                mismatches.Add(new WeightMismatch(name, key, problem));
            }
        }

        var missing = destinations.Keys.Where(n => !keyOfName.ContainsKey(n)).ToList();
        return new WeightLoadPlan(copies, missing, unexpected, skipped, mismatches);
    }

    private static bool TryMapKey(string key, IReadOnlyList<string> stripPrefixes, out string name)
    {
        if (stripPrefixes.Count == 0)
        {
            name = key;
            return true;
        }
        foreach (var prefix in stripPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = key[prefix.Length..];
                return true;
            }
        }
        name = "";
        return false;
    }

    private static string? Incompatibility(TensorInfo info, torch.Tensor destination)
    {
        if (!info.Shape.AsSpan().SequenceEqual(destination.shape))
        {
            return $"shape: expected {TensorInfo.FormatShape(destination.shape)}, found {info.ShapeText} in {info.File}.";
        }
        if (!info.Dtype.HasTorchEquivalent())
        {
            return $"dtype: {info.Dtype} has no TorchSharp equivalent.";
        }
        var stored = info.Dtype.ToTorch();
        // Converting within a kind (bf16 → float32, int32 → int64) is what loading is for; across kinds it means
        // the key names something else (an index table loaded into weights, or weights into a mask).
        return KindOf(stored) == KindOf(destination.dtype)
            ? null
            : $"dtype: the module holds {destination.dtype} but the checkpoint stores {info.Dtype}.";
    }

    private static string KindOf(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => "bool",
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float32 or torch.ScalarType.Float64 => "floating",
        torch.ScalarType.ComplexFloat32 or torch.ScalarType.ComplexFloat64 => "complex",
        _ => "integer",
    };
}
