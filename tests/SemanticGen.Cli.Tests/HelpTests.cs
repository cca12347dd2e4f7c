using System.CommandLine;
using SemanticGen.Cli.Commands;

namespace SemanticGen.Cli.Tests;

public sealed class HelpTests
{
    [Fact]
    public async Task Root_help_lists_every_runnable_command_with_its_description()
    {
        var result = await CliProcess.RunAsync("--help");

        result.ExitCode.Should().Be(0);
        var leaves = Leaves(SemanticGenCommand.Build(), "").ToList();
        leaves.Should().Contain(leaf => leaf.Path == "data synth").And.Contain(leaf => leaf.Path == "score");
        foreach (var (path, description) in leaves)
        {
            result.StdOut.Should().MatchRegex($@"\n\s+{path}\s+{System.Text.RegularExpressions.Regex.Escape(description!)}");
        }
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_message()
    {
        var result = await CliProcess.RunAsync("fly");

        result.ExitCode.Should().NotBe(0);
        result.All.Should().Contain("fly");
    }

    private static IEnumerable<(string Path, string? Description)> Leaves(Command command, string prefix)
    {
        foreach (var child in command.Subcommands)
        {
            var path = prefix.Length == 0 ? child.Name : $"{prefix} {child.Name}";
            if (child.Subcommands.Count == 0)
                yield return (path, child.Description);
            foreach (var leaf in Leaves(child, path))
                yield return leaf;
        }
    }
}

public sealed class LongVideoSamplingOptionsTests
{
    [Theory]
    [InlineData("generate-long")]
    [InlineData("eval-long")]
    public void Both_long_video_commands_take_every_shared_sampling_option(string name)
    {
        var command = SemanticGenCommand.Build().Subcommands.Single(c => c.Name == name);

        command.Options.Select(o => o.Name).Should().Contain(new LongVideoSamplingOptions().All.Select(o => o.Name))
            .And.Contain(["--steps", "--guidance", "--semantic-context", "--latent-context", "--clean-latent-context", "--clean-semantic-context",
                "--semantic-context-guidance", "--joint"]);
    }

    [Fact]
    public void The_shared_options_read_into_the_request_they_name_and_leave_the_rest_to_the_folder()
    {
        var sampling = new LongVideoSamplingOptions();
        var command = new Command("x");
        foreach (var option in sampling.All) command.Add(option);

        var named = sampling.Read(command.Parse(["--steps", "4", "--guidance", "2.5", "--semantic-context", "3", "--clean-semantic-context",
            "--latent-context", "1", "--clean-latent-context", "--semantic-context-guidance", "1.5"]), seed: 9);
        var none = sampling.Read(command.Parse([]), seed: 9);

        named.Should().Be(new Pipeline.LongVideo.LongVideoRequest(9, 4, 2.5, 3, 1, CleanLatentContext: true, CleanSemanticContext: true, SemanticContextGuidance: 1.5));
        none.Should().Be(new Pipeline.LongVideo.LongVideoRequest(9), "unnamed contexts stay null so the folder's defaults apply");
        sampling.Read(command.Parse(["--joint"]), 0).Joint.Should().BeTrue();
    }

    [Fact]
    public void Context_guidance_is_checked_by_its_cli_name_and_shown_in_the_rollout_label()
    {
        var request = new Pipeline.LongVideo.LongVideoRequest(0, SemanticContext: 7, CleanSemanticContext: true, SemanticContextGuidance: 1.5);
        LongVideoSamplingOptions.RolloutLabel(request).Should().Be(" [stage 1 shot by shot, clean context 7, context guidance 1.5]");
        LongVideoSamplingOptions.RolloutLabel(request with { SemanticContextGuidance = 0 }).Should().Be(" [stage 1 shot by shot, clean context 7]");
        FluentActions.Invoking(() => LongVideoSamplingOptions.Validate(request with { SemanticContextGuidance = -1 }))
            .Should().Throw<CliUsageException>().WithMessage("--semantic-context-guidance must be a finite number, 0 or more, found -1.");
        FluentActions.Invoking(() => LongVideoSamplingOptions.Validate(new Pipeline.LongVideo.LongVideoRequest(0, Joint: true, SemanticContextGuidance: 1)))
            .Should().Throw<CliUsageException>().WithMessage("--joint and --semantic-context-guidance exclude each other*");
        FluentActions.Invoking(() => LongVideoSamplingOptions.Validate(request)).Should().NotThrow();
    }
}
