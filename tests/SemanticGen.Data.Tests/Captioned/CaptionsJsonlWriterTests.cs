using SemanticGen.Data.Captioned;

namespace SemanticGen.Data.Tests.Captioned;

public sealed class CaptionsJsonlWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string CaptionsPath => Path.Combine(_folder.Path, CaptionedVideoFolder.CaptionsFileName);

    [Fact]
    public void Written_captions_load_back_exactly()
    {
        _folder.Touch("clip_000000.mp4");
        _folder.Touch("more/clip_000001.mp4");
        using (var writer = new CaptionsJsonlWriter(CaptionsPath))
        {
            writer.Write("clip_000000.mp4", "a red circle moves right on a gray background");
            writer.Write("more/clip_000001.mp4", "it's \"quoted\", a\nnewline and ünïcödé");
            writer.Count.Should().Be(2);
        }

        File.ReadAllLines(CaptionsPath).Should().Equal(
            """{"video":"clip_000000.mp4","caption":"a red circle moves right on a gray background"}""",
            """{"video":"more/clip_000001.mp4","caption":"it's \"quoted\", a\nnewline and ünïcödé"}""");
        CaptionedVideoFolder.Load(_folder.Path).Videos.Select(v => (v.Video, v.Caption)).Should().Equal(
            ("clip_000000.mp4", "a red circle moves right on a gray background"),
            ("more/clip_000001.mp4", "it's \"quoted\", a\nnewline and ünïcödé"));
    }

    [Theory]
    [InlineData("../x.mp4", "x", "escapes the folder")]
    [InlineData("/tmp/x.mp4", "x", "absolute path")]
    [InlineData("", "x", "\"video\" is empty")]
    [InlineData("a.mp4", " ", "caption is empty")]
    public void Entries_the_loader_would_reject_are_refused(string video, string caption, string problem)
    {
        using var writer = new CaptionsJsonlWriter(CaptionsPath);
        var write = () => writer.Write(video, caption);
        write.Should().Throw<ArgumentException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void A_repeated_video_is_refused()
    {
        using var writer = new CaptionsJsonlWriter(CaptionsPath);
        writer.Write("a.mp4", "one");
        var again = () => writer.Write("./a.mp4", "two");
        again.Should().Throw<ArgumentException>().WithMessage("*already written*");
    }
}
