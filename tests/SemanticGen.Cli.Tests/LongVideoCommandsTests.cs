using System.Text.Json.Nodes;
using SemanticGen.Planning;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Cli.Tests;

/// <summary>`generate-long --plan-only` and `eval-long` (issue 6) through the real executable.</summary>
public sealed class LongVideoCommandsTests
{
    private const string Outline = "A green square on a navy background. It moves right, then it moves up, then it stays still.";

    [Fact]
    public async Task Plan_only_prints_the_offline_plan_as_valid_json_without_a_pipeline()
    {
        using var folder = new TempFolder();
        var outline = folder.File("story.txt");
        await File.WriteAllTextAsync(outline, Outline, TestContext.Current.CancellationToken);

        var result = await CliProcess.RunAsync("generate-long", "--outline", outline, "--plan-only", "--pipeline", folder.File("none"));

        result.ExitCode.Should().Be(0, result.All);
        var plan = ShotPlanJson.ParseValid(result.StdOut);
        plan.Shots.Select(s => s.Prompt).Should().Equal(
            "a green square moves right on a navy background", "a green square moves up on a navy background", "a green square stays still on a navy background");
    }

    [Fact]
    public async Task Eval_long_with_the_baseline_writes_both_pipelines_measures_as_json()
    {
        using var folder = new TempFolder();
        var pipeline = folder.File("pipeline");
        ShapesV1Recipe.Initialise(pipeline, new ShapesV1Options());
        var json = folder.File("eval-long.json");

        var result = await CliProcess.RunAsync("eval-long", "--pipeline", pipeline, "--stories", "1", "--shots", "2", "--steps", "1", "--baseline", "--json", json);

        result.ExitCode.Should().Be(0, result.All);
        var results = JsonNode.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken))!["results"]!.AsArray();
        results.Should().HaveCount(2);
        foreach (var run in results)
        {
            run!["shot_accuracy"]!["count"]!.GetValue<int>().Should().Be(2);
            run["per_story"]!.AsArray()[0]!["boundary_jumps_px"]!.AsArray().Should().HaveCount(1);
            run["identity_consistency"]!.GetValue<double>().Should().BeInRange(0, 1);
        }
    }

    [Fact]
    public async Task Eval_long_samples_shot_by_shot_when_asked_and_records_the_contexts()
    {
        using var folder = new TempFolder();
        var pipeline = folder.File("pipeline");
        ShapesV1Recipe.Initialise(pipeline, new ShapesV1Options());
        var json = folder.File("eval-long.json");

        var result = await CliProcess.RunAsync("eval-long", "--pipeline", pipeline, "--stories", "1", "--shots", "2", "--steps", "1",
            "--semantic-context", "1", "--latent-context", "0", "--json", json);

        result.ExitCode.Should().Be(0, result.All);
        var root = JsonNode.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken))!;
        root["semantic_context"]!.GetValue<int>().Should().Be(1);
        root["latent_context"]!.GetValue<int>().Should().Be(0);
        var run = root["results"]!.AsArray().Single()!;
        run["pipeline"]!.GetValue<string>().Should().Contain("stage 1 shot by shot, context 1").And.Contain("stage 2 shot by shot, context 0");
        run["shot_accuracy"]!["count"]!.GetValue<int>().Should().Be(2);
    }

    [Theory]
    [InlineData("eval-long", "latent")]
    [InlineData("generate-long", "latent")]
    [InlineData("eval-long", "semantic")]
    [InlineData("generate-long", "semantic")]
    public async Task A_clean_context_without_its_context_is_refused_by_name_before_a_pipeline_is_loaded(string command, string stage)
    {
        using var folder = new TempFolder();
        var outline = folder.File("story.txt");
        await File.WriteAllTextAsync(outline, Outline, TestContext.Current.CancellationToken);
        string[] args = command == "eval-long"
            ? ["eval-long", "--pipeline", folder.File("none"), "--json", folder.File("e.json"), $"--clean-{stage}-context"]
            : ["generate-long", "--outline", outline, "--out", folder.File("story.mp4"), "--pipeline", folder.File("none"), $"--clean-{stage}-context"];

        var result = await CliProcess.RunAsync(args);

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain($"--clean-{stage}-context needs --{stage}-context K");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().Equal(outline);
    }

    [Theory]
    [InlineData("eval-long")]
    [InlineData("generate-long")]
    public async Task Joint_sampling_with_a_context_is_refused_by_name_before_a_pipeline_is_loaded(string command)
    {
        using var folder = new TempFolder();
        var outline = folder.File("story.txt");
        await File.WriteAllTextAsync(outline, Outline, TestContext.Current.CancellationToken);
        string[] args = command == "eval-long"
            ? ["eval-long", "--pipeline", folder.File("none"), "--json", folder.File("e.json"), "--joint", "--semantic-context", "2"]
            : ["generate-long", "--outline", outline, "--out", folder.File("story.mp4"), "--pipeline", folder.File("none"), "--joint", "--latent-context", "1"];

        var result = await CliProcess.RunAsync(args);

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("--joint and --semantic-context / --latent-context exclude each other");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().Equal(outline);
    }

    [Fact]
    public async Task Eval_long_refuses_a_clean_latent_context_on_a_folder_not_trained_for_it()
    {
        using var folder = new TempFolder();
        var pipeline = folder.File("pipeline");
        ShapesV1Recipe.Initialise(pipeline, new ShapesV1Options());
        var json = folder.File("eval-long.json");

        var result = await CliProcess.RunAsync("eval-long", "--pipeline", pipeline, "--stories", "1", "--shots", "2", "--steps", "1",
            "--latent-context", "1", "--clean-latent-context", "--json", json);

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("not trained with clean context").And.Contain("--latent-clean-context");
        File.Exists(json).Should().BeFalse();
    }

    [Theory]
    [InlineData("eval-long", "--semantic-context")]
    [InlineData("eval-long", "--latent-context")]
    [InlineData("generate-long", "--semantic-context")]
    [InlineData("generate-long", "--latent-context")]
    public async Task A_negative_context_is_refused_by_name_before_a_pipeline_is_loaded(string command, string option)
    {
        using var folder = new TempFolder();
        var outline = folder.File("story.txt");
        await File.WriteAllTextAsync(outline, Outline, TestContext.Current.CancellationToken);
        var output = folder.File("story.mp4");
        string[] args = command == "eval-long"
            ? ["eval-long", "--pipeline", folder.File("none"), "--json", folder.File("e.json"), option, "-1"]
            : ["generate-long", "--outline", outline, "--out", output, "--pipeline", folder.File("none"), option, "-1"];

        var result = await CliProcess.RunAsync(args);

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain($"{option} must be 0 or more, found -1");
        Directory.EnumerateFileSystemEntries(folder.Path).Should().Equal(outline);
    }
}
