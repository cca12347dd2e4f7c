using System.Text.RegularExpressions;

namespace SemanticGen.Planning.Offline;

/// <summary>
/// Splits free prose into shot-sized pieces: sentences (ended by '.', '!' or '?'), then clauses within a sentence at
/// ';' and at the sequencing connectives ", then", ", and then", " and then". A leading "Then"/"And then" is dropped
/// and the closing punctuation trimmed, so "It jumps, then it lands." gives "It jumps" and "it lands".
/// No grammar beyond that: subjects are not resolved (a clause "it lands" stays as written).
/// </summary>
public static partial class ProseSplitter
{
    /// <summary>The non-empty sentences and clauses of <paramref name="prose"/>, in order.</summary>
    public static IReadOnlyList<string> Split(string prose)
    {
        ArgumentNullException.ThrowIfNull(prose);
        var text = Whitespace().Replace(prose, " ").Trim();
        return
        [
            .. SentenceEnd().Split(text)
                .SelectMany(sentence => ClauseBreak().Split(sentence))
                .Select(Clean)
                .Where(clause => clause.Length > 0),
        ];
    }

    private static string Clean(string clause)
    {
        var trimmed = clause.Trim().TrimEnd('.', '!', '?', ',', ';', ':').Trim();
        return LeadingThen().Replace(trimmed, "").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // After a run of terminators followed by a space (or at the very end), a new sentence starts.
    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s*;\s*|\s*,\s*(?:and\s+)?then\s+|\s+and\s+then\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ClauseBreak();

    [GeneratedRegex(@"^(?:and\s+)?then\b[\s,]*", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingThen();
}
