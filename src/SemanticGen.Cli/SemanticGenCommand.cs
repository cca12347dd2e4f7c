using System.CommandLine;

namespace SemanticGen.Cli;

/// <summary>The root `semanticgen` command: every subcommand is registered here.</summary>
public static class SemanticGenCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SemanticGen.Pipelines: train, run and serve SemanticGen-style video generation.");
        return root;
    }

    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();
}
