using SemanticGen.Data.Captioned;

namespace SemanticGen.Data.Tests.Captioned;

public sealed class CaptionedVideoFolderTests : IDisposable
{
    private readonly TempFolder _root = new();
    private readonly string _dataset;

    public CaptionedVideoFolderTests()
    {
        _dataset = Path.Combine(_root.Path, "dataset");
        _root.Touch("dataset/a.mp4");
        _root.Touch("dataset/b.mp4");
        _root.Touch("dataset/clips/c.mp4");
        _root.Touch("outside.mp4");
    }

    public void Dispose() => _root.Dispose();

    private string CaptionsPath => Path.Combine(_dataset, "captions.jsonl");

    private void WriteCaptions(params string[] lines) => File.WriteAllText(CaptionsPath, string.Join("\n", lines) + "\n");

    [Fact]
    public void A_valid_folder_loads_in_order()
    {
        WriteCaptions(
            """{"video": "a.mp4", "caption": "a red circle moves right on a gray background"}""",
            "",
            """{"caption": "a dog \"runs\" — fast", "video": "clips/c.mp4", "fps": 24}""",
            "   ",
            """{"video":"b.mp4","caption":"b"}""");
        var folder = CaptionedVideoFolder.Load(_dataset);
        folder.Directory.Should().Be(_dataset);
        folder.Videos.Select(v => (v.Video, v.Caption)).Should().Equal(
            ("a.mp4", "a red circle moves right on a gray background"),
            ("clips/c.mp4", "a dog \"runs\" — fast"),
            ("b.mp4", "b"));
        folder.Videos[1].FullPath.Should().Be(Path.Combine(_dataset, "clips", "c.mp4"));
    }

    [Theory]
    [InlineData("{\"video\": \"a.mp4\", \"caption\": \"x", 2, "malformed JSON")]
    [InlineData("""{"video": "a.mp4"}""", 2, "missing \"caption\"")]
    [InlineData("""{"caption": "x"}""", 2, "missing \"video\"")]
    [InlineData("""{"video": 5, "caption": "x"}""", 2, "\"video\" must be a string, found Number")]
    [InlineData("""{"video": "a.mp4", "caption": null}""", 2, "\"caption\" must be a string, found Null")]
    [InlineData("""["a.mp4", "x"]""", 2, "expected a JSON object, found Array")]
    [InlineData("""{"video": "b.mp4", "caption": "x"} {"video": "a.mp4", "caption": "y"}""", 2, "malformed JSON")]
    [InlineData("""{"video": "b.mp4", "video": "a.mp4", "caption": "x"}""", 2, "key \"video\" appears twice")]
    [InlineData("""{"video": "b.mp4", "caption": "  "}""", 2, "\"caption\" is empty")]
    [InlineData("""{"video": "", "caption": "x"}""", 2, "\"video\" is empty")]
    [InlineData("""{"video": "a.mp4", "caption": "again"}""", 2, "duplicate video 'a.mp4' (first on line 1)")]
    [InlineData("""{"video": "./clips/../a.mp4", "caption": "again"}""", 2, "duplicate video")]
    [InlineData("""{"video": "missing.mp4", "caption": "x"}""", 2, "video 'missing.mp4' does not exist")]
    [InlineData("""{"video": "../outside.mp4", "caption": "x"}""", 2, "'../outside.mp4' escapes the folder")]
    [InlineData("""{"video": "clips/../../outside.mp4", "caption": "x"}""", 2, "escapes the folder")]
    [InlineData("""{"video": "clips\\c.mp4", "caption": "x"}""", 2, "'/' separators")]
    [InlineData("""{"video": "C:/videos/a.mp4", "caption": "x"}""", 2, "contains ':'")]
    [InlineData("""{"video": "a\u0000.mp4", "caption": "x"}""", 2, "control character")]
    public void A_malformed_line_names_the_file_and_line(string badLine, int line, string problem)
    {
        WriteCaptions("""{"video": "a.mp4", "caption": "first"}""", badLine, """{"video": "b.mp4", "caption": "last"}""");
        var load = () => CaptionedVideoFolder.Load(_dataset);
        var error = load.Should().Throw<DatasetFormatException>().Which;
        error.Path.Should().Be(CaptionsPath);
        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"{CaptionsPath}:{line}: ").And.Contain(problem);
    }

    [Fact]
    public void An_absolute_video_path_is_rejected_even_when_the_file_exists()
    {
        var absolute = Path.Combine(_dataset, "a.mp4");
        WriteCaptions($$"""{"video": "{{absolute}}", "caption": "x"}""");
        var load = () => CaptionedVideoFolder.Load(_dataset);
        load.Should().Throw<DatasetFormatException>()
            .Where(e => e.Line == 1 && e.Message.Contains("absolute path") && e.Message.Contains(CaptionsPath));
    }

    [Fact]
    public void Line_numbers_count_blank_lines()
    {
        WriteCaptions("""{"video": "a.mp4", "caption": "first"}""", "", "", "not json");
        var load = () => CaptionedVideoFolder.Load(_dataset);
        load.Should().Throw<DatasetFormatException>().Where(e => e.Line == 4);
    }

    [Fact]
    public void A_missing_or_empty_captions_file_is_an_error_naming_it()
    {
        var load = () => CaptionedVideoFolder.Load(_dataset);
        load.Should().Throw<DatasetFormatException>().Where(e => e.Path == CaptionsPath && e.Line == null && e.Message.Contains("missing"));
        WriteCaptions("", "  ");
        load.Should().Throw<DatasetFormatException>().Where(e => e.Path == CaptionsPath && e.Message.Contains("no captioned videos"));
        var missingFolder = () => CaptionedVideoFolder.Load(Path.Combine(_root.Path, "nope"));
        missingFolder.Should().Throw<DatasetFormatException>().WithMessage("*does not exist*");
    }
}
