using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.TextEncoder;

/// <summary>
/// The umT5 tokenizer as Wan2.1 calls it: SentencePiece (umT5-XXL's <c>spiece.model</c>, a Unigram model with byte
/// fallback) through <c>Microsoft.ML.Tokenizers</c>, with what Wan's <c>HuggingfaceTokenizer(clean='whitespace')</c>
/// and transformers' T5 tokenizer add around it (Wan2.1 <c>wan/modules/tokenizers.py</c>; diffusers
/// <c>pipeline_wan.py</c> <c>_get_t5_prompt_embeds</c>): whitespace cleaning, <c>&lt;/s&gt;</c> appended
/// (<c>add_special_tokens=True</c>), truncation to <c>max_length</c> that keeps the eos last, right padding with the
/// pad id and a 1/0 attention mask (<c>padding='max_length'</c>, <c>text_len = 512</c>).
/// Not reproduced: Wan's <c>basic_clean</c> (ftfy.fix_text and a double html.unescape), which only changes
/// mojibake or HTML-escaped prompts.
/// </summary>
public sealed class Umt5Tokenizer
{
    /// <summary>Wan2.1's <c>text_len</c> and diffusers' <c>max_sequence_length</c> default.</summary>
    public const int DefaultMaxLength = 512;

    /// <summary>umT5's pad id: <c>&lt;pad&gt;</c> is piece 0 of google/umt5-xxl's spiece.model.</summary>
    public const int Umt5PadId = 0;

    private readonly SentencePieceTokenizer _sentencePiece;

    private Umt5Tokenizer(SentencePieceTokenizer sentencePiece, int padId)
    {
        _sentencePiece = sentencePiece;
        PadId = padId;
    }

    /// <summary>The id written into padded positions (their mask is 0).</summary>
    public int PadId { get; }

    /// <summary>The model's <c>&lt;/s&gt;</c> id (1 for umT5), appended to every prompt.</summary>
    public int EosId => _sentencePiece.EndOfSentenceId;

    /// <summary>The model's <c>&lt;unk&gt;</c> id (2 for umT5).</summary>
    public int UnknownId => _sentencePiece.UnknownId;

    /// <summary>
    /// Loads a SentencePiece model file. <paramref name="padId"/> is the id used for padding: umT5's is 0 and is read
    /// from no file, because Microsoft.ML.Tokenizers does not expose the model's pad id.
    /// </summary>
    public static Umt5Tokenizer FromFile(string spiecePath, int padId = Umt5PadId)
    {
        ArgumentException.ThrowIfNullOrEmpty(spiecePath);
        if (padId < 0)
            throw new ArgumentOutOfRangeException(nameof(padId), padId, "pad id must be non-negative.");
        if (!File.Exists(spiecePath))
            throw new FileNotFoundException($"umT5 tokenizer: SentencePiece model '{spiecePath}' does not exist.", spiecePath);
        using var stream = File.OpenRead(spiecePath);
        SentencePieceTokenizer sentencePiece;
        try
        {
            sentencePiece = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The package throws protobuf parse errors, ArgumentException or others depending on how the bytes fail.
            throw new InvalidDataException($"umT5 tokenizer: '{spiecePath}' is not a SentencePiece model ({e.GetType().Name}: {e.Message}).", e);
        }
        return new Umt5Tokenizer(sentencePiece, padId);
    }

    /// <summary>Wan's <c>whitespace_clean</c>: <c>re.sub(r'\s+', ' ', text).strip()</c>.</summary>
    public static string CleanWhitespace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new System.Text.StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonWhitespace(c))
            {
                pendingSpace = builder.Length > 0; // leading whitespace is stripped
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString(); // trailing whitespace never got appended
    }

    // Python's str.isspace (what `\s` and strip() use on str) also counts the separators U+001C..U+001F,
    // which .NET's char.IsWhiteSpace does not.
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>SentencePiece ids of one cleaned prompt, without the eos.</summary>
    public IReadOnlyList<int> Tokenize(string prompt) =>
        _sentencePiece.EncodeToIds(CleanWhitespace(prompt), addBeginningOfSentence: false, addEndOfSentence: false);

    /// <summary>Decodes ids back to text (special tokens dropped), for diagnostics.</summary>
    public string Decode(IEnumerable<int> ids) => _sentencePiece.Decode(ids, considerSpecialTokens: false);

    /// <summary>
    /// Tokenizes a batch to <c>(InputIds, AttentionMask)</c>, both <c>(B, maxLength)</c> int64 on the CPU. Each row is
    /// the prompt's ids cut to <c>maxLength − 1</c>, then the eos, then pad ids; the mask is 1 over ids and eos.
    /// transformers truncates before adding special tokens, so a too-long prompt still ends with <c>&lt;/s&gt;</c>.
    /// </summary>
    public (Tensor InputIds, Tensor AttentionMask) Encode(IReadOnlyList<string> prompts, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
            throw new ArgumentException("umT5 tokenizer: the batch is empty.", nameof(prompts));
        if (maxLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "max length must leave room for the eos.");

        var ids = new long[prompts.Count * maxLength];
        var mask = new long[prompts.Count * maxLength];
        Array.Fill(ids, PadId);
        for (var b = 0; b < prompts.Count; b++)
        {
            var tokens = Tokenize(prompts[b] ?? throw new ArgumentException($"umT5 tokenizer: prompt {b} is null.", nameof(prompts)));
            var kept = Math.Min(tokens.Count, maxLength - 1);
            var row = b * maxLength;
            for (var i = 0; i < kept; i++)
                ids[row + i] = tokens[i];
            ids[row + kept] = EosId;
            Array.Fill(mask, 1L, row, kept + 1);
        }
        long[] shape = [prompts.Count, maxLength];
        return (torch.tensor(ids, shape, ScalarType.Int64), torch.tensor(mask, shape, ScalarType.Int64));
    }
}
