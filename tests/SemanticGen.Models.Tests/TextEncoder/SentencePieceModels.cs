using System.Text;

namespace SemanticGen.Models.Tests.TextEncoder;

/// <summary>SentencePiece models for the tokenizer tests.</summary>
internal static class SentencePieceModels
{
    /// <summary>
    /// google/sentencepiece <c>python/test/test_model.model</c> (see tests/fixtures/tokenizers/README.md): Unigram,
    /// 1000 pieces, no byte fallback; its own tests state unk 0, bos 1, eos 2 and no pad (pad_id −1).
    /// </summary>
    public static string Fixture => RepoPaths.Fixture("tokenizers", "test_sentencepiece.model");

    /// <summary>
    /// The hand-built Unigram model of sentencepiece's <c>SentencePieceProcessorTest.EndToEndTest</c>
    /// (src/sentencepiece_processor_test.cc): &lt;unk&gt; &lt;s&gt; &lt;/s&gt;, then a 0.0, b 0.3, c 0.2, ab 1.0,
    /// ▁ 3.0; that test states "abc" → pieces [▁, ab, c] → ids [7, 6, 5]. Serialised here by hand (proto2 wire format
    /// of sentencepiece_model.proto) with the identity normaliser, because the test's default nmt_nfkc charsmap does
    /// not change ASCII.
    /// </summary>
    public static byte[] EndToEndModel()
    {
        using var model = new MemoryStream();
        void Piece(string piece, float score, int type)
        {
            using var body = new MemoryStream();
            WriteBytes(body, 1, Encoding.UTF8.GetBytes(piece));
            WriteTag(body, 2, 5);
            body.Write(BitConverter.GetBytes(score));
            WriteTag(body, 3, 0);
            WriteVarint(body, (ulong)type);
            WriteBytes(model, 1, body.ToArray());
        }
        const int normal = 1, unknown = 2, control = 3;
        Piece("<unk>", 0f, unknown);
        Piece("<s>", 0f, control);
        Piece("</s>", 0f, control);
        Piece("a", 0.0f, normal);
        Piece("b", 0.3f, normal);
        Piece("c", 0.2f, normal);
        Piece("ab", 1.0f, normal);
        Piece("\u2581", 3.0f, normal);

        using var trainer = new MemoryStream(); // model_type (3) = UNIGRAM (1); special ids keep their defaults
        WriteTag(trainer, 3, 0);
        WriteVarint(trainer, 1);
        WriteBytes(model, 2, trainer.ToArray());

        using var normalizer = new MemoryStream(); // name (1) = identity; dummy prefix, whitespace flags default true
        WriteBytes(normalizer, 1, "identity"u8.ToArray());
        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteTag(Stream stream, int field, int wireType) => WriteVarint(stream, (ulong)((field << 3) | wireType));

    private static void WriteBytes(Stream stream, int field, byte[] bytes)
    {
        WriteTag(stream, field, 2);
        WriteVarint(stream, (ulong)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
