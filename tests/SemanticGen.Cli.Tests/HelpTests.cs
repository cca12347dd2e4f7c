using System.CommandLine;

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
