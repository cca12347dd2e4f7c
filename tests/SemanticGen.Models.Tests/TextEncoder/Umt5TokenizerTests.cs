using SemanticGen.Models.TextEncoder;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

public sealed class Umt5TokenizerTests : IDisposable
{
    // The fixture has no pad piece (pad_id −1); like transformers' T5Tokenizer, which appends <pad> after the
    // vocabulary for such a model, padding here uses the first id past the 1000 pieces.
    private const int FixturePad = 1000;
    private const int FixtureEos = 2;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "sg-umt5-tokenizer-" + Guid.NewGuid().ToString("N"));

    public Umt5TokenizerTests() => Directory.CreateDirectory(_scratch);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static Umt5Tokenizer Fixture() => Umt5Tokenizer.FromFile(SentencePieceModels.Fixture, FixturePad);

    private static long[] Row(Tensor t, int b) => t[b].data<long>().ToArray();

    [Fact]
    public void Fixture_special_ids_are_those_sentencepiece_tests_state()
    {
        // google/sentencepiece python/test/sentencepiece_test.py: unk_id 0, eos_id 2 for test_model.model.
        var tokenizer = Fixture();
        tokenizer.EosId.Should().Be(FixtureEos);
        tokenizer.UnknownId.Should().Be(0);
        tokenizer.PadId.Should().Be(FixturePad);
    }

    [Fact]
    public void Unigram_segmentation_matches_sentencepiece_end_to_end_test()
    {
        var path = Path.Combine(_scratch, "end_to_end.model");
        File.WriteAllBytes(path, SentencePieceModels.EndToEndModel());
        var tokenizer = Umt5Tokenizer.FromFile(path, padId: 8);

        // Viterbi must prefer ▁ + ab + c (3.0 + 1.0 + 0.2) over ▁ + a + b + c; sentencepiece states [7, 6, 5].
        tokenizer.Tokenize("abc").Should().Equal(7, 6, 5);

        var (ids, mask) = tokenizer.Encode(["abc"], maxLength: 6);
        using (ids)
        using (mask)
        {
            Row(ids, 0).Should().Equal(7, 6, 5, 2, 8, 8); // sentencepiece's "eos" option gives [7, 6, 5, 2]
            Row(mask, 0).Should().Equal(1, 1, 1, 1, 0, 0);
        }
    }

    [Fact]
    public void Fixture_round_trips_text_it_can_represent()
    {
        // sentencepiece_test.py test_roundtrip: decode(encode(text)) == text for text within the vocabulary.
        var tokenizer = Fixture();
        const string text = "I was born in the country and this is a test.";
        var ids = tokenizer.Tokenize(text);
        ids.Should().NotContain(tokenizer.UnknownId).And.HaveCountGreaterThan(5);
        tokenizer.Decode(ids).Should().Be(text);
    }

    [Fact]
    public void Encode_appends_eos_pads_right_and_masks_a_batch()
    {
        var tokenizer = Fixture();
        string[] prompts = ["This is a test", "I was born in the country and this is a test.", ""];
        var (ids, mask) = tokenizer.Encode(prompts, maxLength: 32);
        using (ids)
        using (mask)
        {
            ids.dtype.Should().Be(ScalarType.Int64);
            mask.dtype.Should().Be(ScalarType.Int64);
            ids.shape.Should().Equal(3, 32);
            mask.shape.Should().Equal(3, 32);
            for (var b = 0; b < prompts.Length; b++)
            {
                var tokens = tokenizer.Tokenize(prompts[b]).Select(i => (long)i).ToArray();
                var expectedIds = tokens.Append(FixtureEos).Concat(Enumerable.Repeat((long)FixturePad, 32 - tokens.Length - 1));
                var expectedMask = Enumerable.Repeat(1L, tokens.Length + 1).Concat(Enumerable.Repeat(0L, 32 - tokens.Length - 1));
                Row(ids, b).Should().Equal(expectedIds, $"row {b}");
                Row(mask, b).Should().Equal(expectedMask, $"row {b}");
            }
            Row(ids, 2).Take(2).Should().Equal(FixtureEos, FixturePad); // an empty prompt is just </s>, as in transformers
        }
    }

    [Fact]
    public void Default_pad_is_umt5_pad_zero()
    {
        var tokenizer = Umt5Tokenizer.FromFile(SentencePieceModels.Fixture);
        tokenizer.PadId.Should().Be(Umt5Tokenizer.Umt5PadId).And.Be(0);
        var (ids, mask) = tokenizer.Encode(["a"]);
        using (ids)
        using (mask)
        {
            ids.shape.Should().Equal(1, Umt5Tokenizer.DefaultMaxLength);
            Row(ids, 0)[^1].Should().Be(0);
            mask.sum().item<long>().Should().Be(tokenizer.Tokenize("a").Count + 1);
        }
    }

    [Fact]
    public void Truncation_keeps_the_first_tokens_and_ends_with_eos()
    {
        // transformers truncates to max_length − 1 (room for the special token) and then appends </s>.
        var tokenizer = Fixture();
        const string prompt = "I was born in the country and this is a test.";
        var tokens = tokenizer.Tokenize(prompt).Select(i => (long)i).ToArray();
        tokens.Length.Should().BeGreaterThan(8);

        var (ids, mask) = tokenizer.Encode([prompt, "a"], maxLength: 8);
        using (ids)
        using (mask)
        {
            Row(ids, 0).Should().Equal(tokens.Take(7).Append(FixtureEos));
            Row(mask, 0).Should().AllBeEquivalentTo(1L);
            Row(mask, 1).Sum().Should().BeLessThan(8);
        }

        // Exactly filling the row: no pad and no truncation.
        var (full, fullMask) = tokenizer.Encode([prompt], maxLength: tokens.Length + 1);
        using (full)
        using (fullMask)
            Row(full, 0).Should().Equal(tokens.Append(FixtureEos));
    }

    [Theory]
    [InlineData("  a\t\n b  ", "a b")]
    [InlineData("a\u00A0\u3000b", "a b")]
    [InlineData("a\u001Fb\u001C", "a b")] // Python's str.isspace counts the information separators
    [InlineData("\r\n", "")]
    [InlineData("plain", "plain")]
    public void Whitespace_cleaning_follows_wan_whitespace_clean(string input, string expected) =>
        Umt5Tokenizer.CleanWhitespace(input).Should().Be(expected);

    [Fact]
    public void Encode_cleans_whitespace_before_tokenizing()
    {
        // U+001F is no whitespace to SentencePiece (it would become <unk>), so only the cleaning makes these equal.
        var tokenizer = Fixture();
        tokenizer.Tokenize("This\u001Fis a test").Should().Equal(tokenizer.Tokenize("This is a test"));
        var (a, maskA) = tokenizer.Encode(["\t This \n is\u001F a   test  "], 16);
        var (b, maskB) = tokenizer.Encode(["This is a test"], 16);
        using (a) using (maskA) using (b) using (maskB)
        {
            Row(a, 0).Should().Equal(Row(b, 0));
            Row(maskA, 0).Should().Equal(Row(maskB, 0));
        }
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(_scratch, "spiece.model");
        var act = () => Umt5Tokenizer.FromFile(path);
        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("truncated")]
    public void Corrupt_file_names_the_file(string kind)
    {
        var path = Path.Combine(_scratch, "spiece.model");
        var bytes = kind == "text"
            ? "this is not a sentencepiece model\n"u8.ToArray()
            : File.ReadAllBytes(SentencePieceModels.Fixture)[..4096];
        File.WriteAllBytes(path, bytes);
        var act = () => Umt5Tokenizer.FromFile(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*not a SentencePiece model*");
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var tokenizer = Fixture();
        tokenizer.Invoking(t => t.Encode([])).Should().Throw<ArgumentException>();
        tokenizer.Invoking(t => t.Encode(["a"], maxLength: 0)).Should().Throw<ArgumentOutOfRangeException>();
        var negativePad = () => Umt5Tokenizer.FromFile(SentencePieceModels.Fixture, padId: -1);
        negativePad.Should().Throw<ArgumentOutOfRangeException>();
    }
}
