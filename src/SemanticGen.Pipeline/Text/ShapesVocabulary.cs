using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Pipeline.Text;

/// <summary>
/// The WordPiece vocabulary of the Shapes World pipelines: the special tokens (<c>[PAD]</c> first, id 0), every word
/// of the caption and story grammars as a whole token, then single letters and digits, plain and as <c>##</c>
/// continuations, and common punctuation, so any lower-case English text tokenizes without <c>[UNK]</c> (letter by
/// letter outside the grammar — those ids are never seen in training, which is what the unseen-word warning detects).
/// </summary>
public static class ShapesVocabulary
{
    /// <summary>The tokens in id order.</summary>
    public static IReadOnlyList<string> Tokens()
    {
        var tokens = new List<string> { PromptTokenizer.PadToken, PromptTokenizer.UnknownToken, "[CLS]", PromptTokenizer.EndToken, "[MASK]" };
        void Add(string token)
        {
            if (!tokens.Contains(token)) tokens.Add(token);
        }
        var grammar = ShapeColour.All.Select(c => c.Word).Concat(ShapeKind.All.Select(k => k.Word))
            .Concat(ShapeMotion.All.Select(m => m.Word)).Concat(ShapeBackground.All.Select(b => b.Word))
            .Concat(["a", "on", "background", "it", "then", "and"]);
        foreach (var phrase in grammar)
            foreach (var word in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                Add(word);
        foreach (var c in "abcdefghijklmnopqrstuvwxyz0123456789")
            Add(c.ToString());
        foreach (var c in "abcdefghijklmnopqrstuvwxyz0123456789")
            Add("##" + c);
        foreach (var c in ".,;:!?'\"-()")
            Add(c.ToString());
        return tokens;
    }

    /// <summary>Writes the vocabulary as a vocab.txt (one token per line) to <paramref name="path"/>.</summary>
    public static void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, Tokens());
        File.Move(temporary, path, overwrite: true);
    }
}
