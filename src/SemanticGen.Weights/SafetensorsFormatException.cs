namespace SemanticGen.Weights;

/// <summary>
/// A safetensors file or sharded index that breaks a rule of the format. Every malformed input ends in this
/// exception (never an index, overflow or out-of-memory error), so callers can catch one type.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception; the message names the file, the tensor (if any) and the rule.</summary>
    /// <param name="file">The offending file (a .safetensors shard or an index .json).</param>
    /// <param name="tensor">The tensor the violation concerns, or null when it concerns the file as a whole.</param>
    /// <param name="rule">A stable rule id from <see cref="FormatRules"/>.</param>
    /// <param name="detail">What exactly was found.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public SafetensorsFormatException(string file, string? tensor, string rule, string detail, Exception? inner = null)
        : base(ComposeMessage(file, tensor, rule, detail), inner)
    {
        File = file;
        Tensor = tensor;
        Rule = rule;
        Detail = detail;
    }

    /// <summary>The offending file.</summary>
    public string File { get; }

    /// <summary>The tensor concerned, or null when the problem is with the file as a whole.</summary>
    public string? Tensor { get; }

    /// <summary>The rule broken: a short stable id from <see cref="FormatRules"/>, e.g. "duplicate-key".</summary>
    public string Rule { get; }

    /// <summary>What exactly was found, without the file/tensor/rule prefix.</summary>
    public string Detail { get; }

    private static string ComposeMessage(string file, string? tensor, string rule, string detail) =>
        tensor is null
            ? $"{file}: [{rule}] {detail}"
            : $"{file}: tensor '{tensor}': [{rule}] {detail}";
}
