namespace SemanticGen.Models.DiT;

/// <summary>
/// A block-diagonal cross-attention mask written as consecutive spans (long videos, issue 6): segment i's
/// <c>Queries[i]</c> consecutive video tokens attend only to segment i's <c>Text[i]</c> consecutive text tokens (e.g.
/// each shot's tokens to that shot's prompt, with the shots' text states concatenated along the text axis).
/// <see cref="WanAttention"/> computes it block by block, so no score outside a block is computed and the cost grows
/// linearly with the number of segments (a dense N × L mask would grow quadratically).
/// </summary>
/// <param name="Queries">video tokens per segment, in sequence order (they sum to the sequence length N)</param>
/// <param name="Text">text tokens per segment, in order (they sum to the text length L)</param>
public sealed record CrossAttentionSegments(IReadOnlyList<long> Queries, IReadOnlyList<long> Text)
{
    /// <summary><paramref name="count"/> segments of <paramref name="queries"/> video tokens and <paramref name="text"/> text tokens each.</summary>
    public static CrossAttentionSegments Uniform(int count, long queries, long text) =>
        new([.. Enumerable.Repeat(queries, count)], [.. Enumerable.Repeat(text, count)]);

    /// <summary>Throws unless the spans are positive, pair up and tile <paramref name="tokens"/> × <paramref name="textTokens"/>.</summary>
    public void Check(long tokens, long textTokens)
    {
        if (Queries.Count == 0 || Queries.Count != Text.Count || Queries.Any(n => n < 1) || Text.Any(n => n < 1))
            throw new ArgumentException($"cross-attention segments need as many positive query spans ({Queries.Count}) as text spans ({Text.Count}).");
        if (Queries.Sum() != tokens || Text.Sum() != textTokens)
            throw new ArgumentException($"cross-attention segments (queries {Queries.Sum()}, text {Text.Sum()}) must tile the {tokens} video tokens and {textTokens} text tokens.");
    }
}
