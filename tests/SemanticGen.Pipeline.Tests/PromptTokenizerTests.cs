using SemanticGen.Data.ShapesWorld;
using SemanticGen.Pipeline.Text;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Pipeline.Tests;

public sealed class PromptTokenizerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PromptTokenizer _tokenizer;

    public PromptTokenizerTests()
    {
        var path = _folder.File("vocab.txt");
        ShapesVocabulary.Write(path);
        _tokenizer = PromptTokenizer.FromFile(path, maxLength: 12);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Grammar_words_are_single_tokens_followed_by_the_end_token()
    {
        var vocabulary = ShapesVocabulary.Tokens();
        var ids = _tokenizer.Tokenize("a red circle moves right on a gray background");
        ids.Select(id => vocabulary[id]).Should().Equal("a", "red", "circle", "moves", "right", "on", "a", "gray", "background", "[SEP]");
        vocabulary[0].Should().Be("[PAD]");
    }

    [Fact]
    public void Encode_pads_with_zero_and_masks_real_tokens_only()
    {
        var (ids, mask) = _tokenizer.Encode(["a blue square stays still on a navy background", ""]);
        using (ids)
        using (mask)
        {
            ids.shape.Should().Equal(2, 12);
            mask[0].sum().item<long>().Should().Be(10);          // 9 words + end
            mask[1].sum().item<long>().Should().Be(1);           // only the end token
            ids[1, 0].item<long>().Should().Be(_tokenizer.EndId);
            ids[1, 1].item<long>().Should().Be(0);
        }
    }

    [Fact]
    public void Long_prompts_are_truncated_but_keep_the_end_token()
    {
        var ids = _tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("red", 40)));
        ids.Should().HaveCount(12);
        ids[^1].Should().Be(_tokenizer.EndId);
    }

    [Fact]
    public void Unseen_words_are_named_and_training_words_are_not()
    {
        var trained = ShapesV1Recipe.TrainedTokenIds(_tokenizer).ToHashSet();
        _tokenizer.UnseenWords(ShapesSplit.Train[0].Caption, trained).Should().BeEmpty();
        _tokenizer.UnseenWords("An orange circle, jumping!", trained).Should().Equal("an", "orange", ",", "jumping", "!");
    }

    [Fact]
    public void Holdout_captions_use_only_trained_tokens_because_every_word_occurs_in_training()
    {
        var trained = ShapesV1Recipe.TrainedTokenIds(_tokenizer).ToHashSet();
        ShapesSplit.Holdout.Should().OnlyContain(c => _tokenizer.UnseenWords(c.Caption, trained).Count == 0);
    }

    [Fact]
    public void A_vocabulary_without_the_required_tokens_is_refused_with_the_file_and_token()
    {
        var path = _folder.File("bad.txt");
        File.WriteAllLines(path, ["[PAD]", "[SEP]", "red"]);
        var act = () => PromptTokenizer.FromFile(path, 8);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*[UNK]*");
        var missing = () => PromptTokenizer.FromFile(_folder.File("none.txt"), 8);
        missing.Should().Throw<FileNotFoundException>().WithMessage("*none.txt*");
    }
}
