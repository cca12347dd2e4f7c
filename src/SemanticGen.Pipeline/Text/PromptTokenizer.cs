using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Text;

/// <summary>
/// Prompts → token ids for the text encoder: a WordPiece (BERT) tokenizer from Microsoft.ML.Tokenizers over a
/// <c>vocab.txt</c> shipped with the pipeline (lower-cased, punctuation split), <c>[SEP]</c> appended as the end
/// token, right-padded with <c>[PAD]</c> = id 0 (umT5's pad convention) to a fixed length, with the attention mask.
/// Words outside the vocabulary become <c>##</c> pieces or <c>[UNK]</c>; <see cref="UnseenWords"/> names the words
/// whose ids the model never saw in training.
/// </summary>
public sealed class PromptTokenizer
{
    public const string PadToken = "[PAD]", UnknownToken = "[UNK]", EndToken = "[SEP]";
    private readonly BertTokenizer _tokenizer;

    private PromptTokenizer(BertTokenizer tokenizer, string path, int maxLength)
    {
        _tokenizer = tokenizer;
        VocabularyPath = path;
        MaxLength = maxLength;
        if (tokenizer.PaddingTokenId != 0)
            throw new InvalidDataException($"{path}: '{PadToken}' must be the first line (id 0, umT5's pad id); found it at id {tokenizer.PaddingTokenId}.");
        EndId = tokenizer.SeparatorTokenId;
        VocabularySize = File.ReadLines(path).Count();
    }

    /// <summary>The vocab.txt this tokenizer reads.</summary>
    public string VocabularyPath { get; }

    /// <summary>Tokens per prompt after padding or truncation (the end token included).</summary>
    public int MaxLength { get; }

    /// <summary>Lines of vocab.txt: the text encoder's embedding table must have at least this many rows.</summary>
    public int VocabularySize { get; }

    /// <summary>Id of the end token appended to every prompt.</summary>
    public int EndId { get; }

    /// <summary>Reads a BERT-style vocab.txt (one token per line, <c>[PAD]</c> first, with <c>[UNK]</c> and <c>[SEP]</c>).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The vocabulary lacks a required token (named).</exception>
    public static PromptTokenizer FromFile(string vocabularyPath, int maxLength)
    {
        if (!File.Exists(vocabularyPath))
            throw new FileNotFoundException($"tokenizer vocabulary not found: {vocabularyPath}", vocabularyPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var lines = File.ReadLines(vocabularyPath).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { PadToken, UnknownToken, EndToken, "[CLS]", "[MASK]" })
            if (!lines.Contains(required))
                throw new InvalidDataException($"{vocabularyPath}: the vocabulary has no '{required}' line.");
        var tokenizer = BertTokenizer.Create(vocabularyPath, new BertOptions { LowerCaseBeforeTokenization = true });
        return new PromptTokenizer(tokenizer, vocabularyPath, maxLength);
    }

    /// <summary>Ids of one prompt: its WordPiece ids (at most <see cref="MaxLength"/> − 1) then the end id; no padding.</summary>
    public IReadOnlyList<int> Tokenize(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var ids = _tokenizer.EncodeToIds(prompt, addSpecialTokens: false).Take(MaxLength - 1).ToList();
        ids.Add(EndId);
        return ids;
    }

    /// <summary>
    /// Token ids (B, <see cref="MaxLength"/>) int64 and attention mask (B, MaxLength) int64 (1 for real tokens) of
    /// <paramref name="prompts"/>, right-padded with 0.
    /// </summary>
    public (Tensor Ids, Tensor Mask) Encode(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var ids = new long[prompts.Count * MaxLength];
        var mask = new long[prompts.Count * MaxLength];
        for (var b = 0; b < prompts.Count; b++)
        {
            var tokens = Tokenize(prompts[b]);
            for (var i = 0; i < tokens.Count; i++)
            {
                ids[b * MaxLength + i] = tokens[i];
                mask[b * MaxLength + i] = 1;
            }
        }
        return (tensor(ids, [prompts.Count, MaxLength]), tensor(mask, [prompts.Count, MaxLength]));
    }

    /// <summary>
    /// The words of <paramref name="prompt"/> (lower-cased, as the tokenizer splits them) with at least one token id
    /// not in <paramref name="trainedIds"/>, in order, each once; also words cut off by <see cref="MaxLength"/>.
    /// </summary>
    public IReadOnlyList<string> UnseenWords(string prompt, IReadOnlySet<int> trainedIds)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(trainedIds);
        var unseen = new List<string>();
        var budget = MaxLength - 1;
        foreach (var word in Words(prompt))
        {
            var ids = _tokenizer.EncodeToIds(word, addSpecialTokens: false);
            budget -= ids.Count;
            if ((budget < 0 || ids.Any(id => !trainedIds.Contains(id))) && !unseen.Contains(word))
                unseen.Add(word);
        }
        return unseen;
    }

    private static IEnumerable<string> Words(string prompt) =>
        prompt.ToLowerInvariant()
            .Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(SplitPunctuation);

    private static IEnumerable<string> SplitPunctuation(string word)
    {
        var start = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (!char.IsPunctuation(word[i]) && !char.IsSymbol(word[i])) continue;
            if (i > start) yield return word[start..i];
            yield return word[i].ToString();
            start = i + 1;
        }
        if (start < word.Length) yield return word[start..];
    }
}
