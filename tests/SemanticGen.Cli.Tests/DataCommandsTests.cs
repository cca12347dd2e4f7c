using System.Text.Json.Nodes;
using SemanticGen.Data.Captioned;
using SemanticGen.Data.ShapesWorld;

namespace SemanticGen.Cli.Tests;

/// <summary>One `data synth` run shared by the tests of the data and score commands.</summary>
public sealed class SynthesizedDataset : IAsyncLifetime
{
    public TempFolder Folder { get; } = new();

    public CliProcess.Result Synth { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Synth = await CliProcess.RunAsync("data", "synth", "--out", Folder.Path, "--count", "3", "--split", "holdout", "--seed", "7");

    public ValueTask DisposeAsync()
    {
        Folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class DataCommandsTests(SynthesizedDataset dataset) : IClassFixture<SynthesizedDataset>
{
    [Fact]
    public void Synth_writes_the_clips_and_captions_of_the_requested_split_and_scores_them_from_mp4()
    {
        dataset.Synth.ExitCode.Should().Be(0, dataset.Synth.All);
        var folder = CaptionedVideoFolder.Load(dataset.Folder.Path);
        folder.Videos.Should().HaveCount(3);
        var source = new ShapesClipSource(7, ShapesSplitKind.Holdout);
        for (var index = 0; index < 3; index++)
        {
            folder.Videos[index].Caption.Should().Be(source.ClipAt(index).Composition.Caption);
            ShapesSplit.IsHeldOut(ShapesCaption.Parse(folder.Videos[index].Caption)).Should().BeTrue();
            File.Exists(folder.Videos[index].FullPath).Should().BeTrue();
        }

        dataset.Synth.StdOut.Should().Contain("all correct 100 %");
        Directory.GetFiles(dataset.Folder.Path, "*.partial").Should().BeEmpty();
    }

    [Fact]
    public async Task Synth_refuses_to_overwrite_a_dataset_without_force()
    {
        var again = await CliProcess.RunAsync("data", "synth", "--out", dataset.Folder.Path, "--count", "1");

        again.ExitCode.Should().Be(2);
        again.StdErr.Should().Contain("captions.jsonl exists").And.Contain("--force");
    }

    [Fact]
    public async Task Synth_rejects_a_count_out_of_range_and_an_unknown_split()
    {
        using var folder = new TempFolder();
        (await CliProcess.RunAsync("data", "synth", "--out", folder.Path, "--count", "0")).All.Should().Contain("--count must be within");
        (await CliProcess.RunAsync("data", "synth", "--out", folder.Path, "--split", "test")).ExitCode.Should().NotBe(0);
        File.Exists(folder.File("captions.jsonl")).Should().BeFalse();
    }

    [Fact]
    public async Task Score_prints_the_detection_as_json_and_which_attributes_match()
    {
        var clip = CaptionedVideoFolder.Load(dataset.Folder.Path).Videos[0];
        var prompt = ShapesCaption.Parse(clip.Caption);

        var right = await CliProcess.RunAsync("score", "--video", clip.FullPath, "--prompt", clip.Caption);
        right.ExitCode.Should().Be(0, right.All);
        var json = JsonNode.Parse(right.StdOut)!;
        json["allCorrect"]!.GetValue<bool>().Should().BeTrue();
        json["detected"]!["colour"]!.GetValue<string>().Should().Be(prompt.Colour.Word);
        json["detected"]!["motion"]!.GetValue<string>().Should().Be(prompt.Motion.Word);

        var otherBackground = ShapesBackgrounds().First(background => background != prompt.Background.Word);
        var wrong = await CliProcess.RunAsync("score", "--video", clip.FullPath, "--prompt", clip.Caption.Replace(
            $"on a {prompt.Background.Word} background", $"on a {otherBackground} background", StringComparison.Ordinal));
        wrong.ExitCode.Should().Be(0, wrong.All);
        var wrongJson = JsonNode.Parse(wrong.StdOut)!;
        wrongJson["matches"]!["background"]!.GetValue<bool>().Should().BeFalse();
        wrongJson["matches"]!["colour"]!.GetValue<bool>().Should().BeTrue();
        wrongJson["allCorrect"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Score_exits_2_naming_the_problem_for_a_prompt_outside_the_grammar_or_an_unreadable_file()
    {
        var clip = CaptionedVideoFolder.Load(dataset.Folder.Path).Videos[0];
        var badPrompt = await CliProcess.RunAsync("score", "--video", clip.FullPath, "--prompt", "a pink circle moves right on a gray background");
        badPrompt.ExitCode.Should().Be(2);
        badPrompt.StdErr.Should().Contain("prompt").And.Contain("pink");

        using var folder = new TempFolder();
        var text = folder.File("notes.mp4");
        await File.WriteAllTextAsync(text, "this is not a video", TestContext.Current.CancellationToken);
        var unreadable = await CliProcess.RunAsync("score", "--video", text, "--prompt", clip.Caption);
        unreadable.ExitCode.Should().Be(2);
        unreadable.StdErr.Should().Contain(text);
    }

    [Fact]
    public async Task Data_check_probes_every_video_and_names_the_line_of_a_malformed_caption()
    {
        var ok = await CliProcess.RunAsync("data", "check", "--dir", dataset.Folder.Path);
        ok.ExitCode.Should().Be(0, ok.All);
        ok.StdOut.Should().Contain("3 videos").And.Contain("147 frames");

        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("captions.jsonl"), "{\"video\": \"a.mp4\", \"caption\": \"x\"}\n{\"video\": 5}\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(folder.File("a.mp4"), "", TestContext.Current.CancellationToken);
        var bad = await CliProcess.RunAsync("data", "check", "--dir", folder.Path);
        bad.ExitCode.Should().Be(2);
        bad.StdErr.Should().Contain("captions.jsonl:2:").And.Contain("\"video\"");
    }

    private static IEnumerable<string> ShapesBackgrounds() => ["black", "gray", "navy"];
}
