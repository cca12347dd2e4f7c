using System.CommandLine;
using SemanticGen.Cli.Commands;

namespace SemanticGen.Cli;

/// <summary>The root `semanticgen` command: every subcommand is registered here.</summary>
public static class SemanticGenCommand
{
    public static RootCommand Build()
    {
        var data = new Command("data", "Build training data: synthesise Shapes World clips, inspect captioned video folders.")
        {
            DataSynthCommand.Build(),
            DataCheckCommand.Build(),
        };
        var video = new Command("video", "Inspect video files.") { VideoProbeCommand.Build() };
        var weights = new Command("weights", "Inspect safetensors checkpoints.") { WeightsInspectCommand.Build() };
        var bench = BenchCommand.Build();
        var models = new Command("models", "Wan2.1-compatible base models: parity with reference implementations.") { ModelsCheckCommand.Build() };
        var train = new Command("train", "Train the model's components on Shapes World or a captioned folder.")
        {
            TrainVaeCommand.Build(),
            RecipeCommand.TrainStage("encoder", "Train the shapes-v1 semantic encoder (masked autoencoding), after any unfinished earlier stage."),
            RecipeCommand.TrainStage("latent", "Train shapes-v1 stage 2 (compressor + latent generator), after any unfinished earlier stage."),
            RecipeCommand.TrainStage("semantic", "Train shapes-v1 stage 1 (semantic generator), after any unfinished earlier stage."),
        };
        var encoders = new Command("encoders", "Semantic encoder plugins: parity with reference implementations.") { EncodersCheckCommand.Build() };

        var root = new RootCommand(Summary)
        {
            data,
            encoders,
            models,
            EncodeCommand.Build(),
            GenerateCommand.Build(),
            GenerateLongCommand.Build(),
            EvalCommand.Build(),
            EvalLongCommand.Build(),
            RecipeCommand.Recipe(),
            ScoreCommand.Build(),
            ServeCommand.Build(),
            train,
            video,
            weights,
            bench,
        };
        var leaves = LeafCommands(root, prefix: "").ToList();
        var width = leaves.Max(leaf => leaf.Path.Length) + 2;                     // the longest path, then two spaces
        root.Description = Summary + "\n\nAll commands:\n" + string.Join("\n", leaves.Select(leaf => $"  {leaf.Path.PadRight(width)}{leaf.Description}"));
        return root;
    }

    private const string Summary = "SemanticGen.Pipelines: train, run and serve SemanticGen-style video generation.";

    /// <summary>Every runnable command's path and description, so the root help lists nested ones too.</summary>
    private static IEnumerable<(string Path, string? Description)> LeafCommands(Command command, string prefix)
    {
        foreach (var child in command.Subcommands)
        {
            var path = prefix.Length == 0 ? child.Name : $"{prefix} {child.Name}";
            if (child.Subcommands.Count == 0)
                yield return (path, child.Description);
            else
                foreach (var line in LeafCommands(child, path))
                    yield return line;
        }
    }

    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();
}
