using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// Reads a caption or outline word by word for the hand-written grammars of <see cref="ShapesCaption"/> and
/// the story outline. Matching ignores letter case and runs of white space; '.' and ',' are words of their
/// own. The first failure is kept in <see cref="Error"/> with what was expected and what was found.
/// </summary>
internal sealed partial class WordCursor
{
    private readonly string[] _words;
    private int _position;

    private WordCursor(string[] words) => _words = words;

    /// <summary>Why reading stopped, once a read has failed.</summary>
    public string? Error { get; private set; }

    /// <summary>True when every word has been read.</summary>
    public bool AtEnd => _position == _words.Length;

    public static WordCursor Of(string text) =>
        new(WordPattern().Matches(text).Select(match => match.Value).ToArray());

    /// <summary>Reads <paramref name="literal"/>; <paramref name="where"/> says which part of the grammar it is.</summary>
    public bool Literal(string literal, string where)
    {
        if (_position < _words.Length && string.Equals(_words[_position], literal, StringComparison.OrdinalIgnoreCase))
        {
            _position++;
            return true;
        }

        return Fail($"expected '{literal}' {where}, found {Found(1)}");
    }

    /// <summary>True (and consumed) when the next word is <paramref name="literal"/>; never fails.</summary>
    public bool TryLiteral(string literal)
    {
        if (_position < _words.Length && string.Equals(_words[_position], literal, StringComparison.OrdinalIgnoreCase))
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads one of <paramref name="choices"/>, whose words may be several words long ("moves left").</summary>
    public bool Choice<T>(IReadOnlyList<T> choices, string kind, [NotNullWhen(true)] out T? value)
        where T : class, ICaptionWord
    {
        foreach (var choice in choices)
        {
            var parts = choice.Word.Split(' ');
            if (_position + parts.Length > _words.Length)
                continue;
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
                matches = string.Equals(_words[_position + i], parts[i], StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                _position += parts.Length;
                value = choice;
                return true;
            }
        }

        value = null;
        var longest = choices.Max(choice => choice.Word.Split(' ').Length);
        var expected = string.Join(", ", choices.Select(choice => choice.Word));
        return _position == _words.Length
            ? Fail($"missing {kind} at the end, expected one of: {expected}")
            : Fail($"unknown {kind} {Found(longest)}, expected one of: {expected}");
    }

    /// <summary>Fails unless every word has been read.</summary>
    public bool End(string after) =>
        AtEnd || Fail($"unexpected {Found(_words.Length - _position, throughPunctuation: true)} after {after}");

    // Up to `count` words from the current one; a choice's words stop before punctuation ("flies", not "flies .").
    private string Found(int count, bool throughPunctuation = false)
    {
        if (_position >= _words.Length)
            return "the end of the text";
        var taken = _words.Skip(_position).Take(count).ToList();
        if (!throughPunctuation)
        {
            var cut = taken.FindIndex(1, word => word is "." or ",");
            if (cut > 0)
                taken.RemoveRange(cut, taken.Count - cut);
        }

        return $"'{string.Join(' ', taken)}' (word {_position + 1})";
    }

    private bool Fail(string error)
    {
        Error ??= error;
        return false;
    }

    // A word is a run of anything but white space and the punctuation '.' ','; each punctuation mark is a word.
    [GeneratedRegex(@"[.,]|[^\s.,]+")]
    private static partial Regex WordPattern();
}
