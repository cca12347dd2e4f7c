using System.CommandLine;
using SemanticGen.Training.Recipes.ShapesV1;
using SemanticGen.Training.Recipes.ShapesV1.Stories;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `recipe shapes-v1-stories`: fine-tunes a trained shapes-v1 folder's two generators on multi-shot stories for
/// `generate-long` (<see cref="ShapesStoryRecipe"/>); re-running the same command resumes.
/// </summary>
internal static class StoryRecipeCommand
{
    public static Command Build()
    {
        var d = new ShapesStoryOptions();
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "A trained shapes-v1 pipeline folder; the story generators are added to it.", DefaultValueFactory = _ => new DirectoryInfo("models/shapes-v1") };
        var seed = new Option<long>("--seed") { Description = "Seed of the training stories, data order and noise.", DefaultValueFactory = _ => d.Seed };
        var stories = new Option<int>("--stories") { Description = "Training stories encoded once.", DefaultValueFactory = _ => d.Stories };
        var semanticStories = new Option<int?>("--semantic-stories") { Description = "Stories stage 1 trains on; more than --stories builds a features-only cache for it (no VAE, so cheap); equal to --stories uses the shared cache, as folders trained before this option did.", DefaultValueFactory = _ => d.SemanticStories };
        var shotsPerStory = new Option<int>("--shots-per-story") { Description = "Shots per cached story.", DefaultValueFactory = _ => d.ShotsPerStory };
        var semanticSteps = new Option<long>("--semantic-steps") { Description = "Stage-1 fine-tuning steps.", DefaultValueFactory = _ => d.SemanticSteps };
        var semanticBatch = new Option<int>("--semantic-batch") { Description = "Stage-1 samples per step.", DefaultValueFactory = _ => d.SemanticBatch };
        var semanticShots = new Option<int>("--semantic-max-shots") { Description = "Stage-1 samples hold 2 … this many shots.", DefaultValueFactory = _ => d.SemanticMaxShots };
        var semanticRate = new Option<double>("--semantic-learning-rate") { Description = "Stage-1 AdamW learning rate.", DefaultValueFactory = _ => d.SemanticLearningRate };
        var latentRate = new Option<double>("--latent-learning-rate") { Description = "Stage-2 AdamW learning rate.", DefaultValueFactory = _ => d.LatentLearningRate };
        var latentSteps = new Option<long>("--latent-steps") { Description = "Stage-2 fine-tuning steps.", DefaultValueFactory = _ => d.LatentSteps };
        var latentBatch = new Option<int>("--latent-batch") { Description = "Stage-2 samples per step.", DefaultValueFactory = _ => d.LatentBatch };
        var latentShots = new Option<int>("--latent-shots") { Description = "Shots per stage-2 sample (shifted windows of one shot).", DefaultValueFactory = _ => d.LatentShots };
        var semanticCleanContext = new Option<double>("--semantic-clean-context") { Description = "Share of stage-1 samples whose first 1…K−1 shots are clean context (t = 0, no loss), so generate-long --clean-semantic-context can continue finished shots; 0 = none.", DefaultValueFactory = _ => d.SemanticCleanContext };
        var semanticInit = new Option<FileInfo?>("--semantic-init-from") { Description = "Weights story stage 1 starts from (default: the folder's short semantic generator; the folder's story_semantic_generator.safetensors continues it)." };
        var latentInit = new Option<FileInfo?>("--latent-init-from") { Description = "Weights story stage 2 starts from (default: the folder's short latent generator; the folder's story_latent_generator.safetensors continues it)." };
        var cleanContext = new Option<double>("--latent-clean-context") { Description = "Share of stage-2 samples whose first shot is clean context (t = 0, no loss), so generate-long --clean-latent-context can continue finished shots; 0 = none.", DefaultValueFactory = _ => d.LatentCleanContext };
        var every = new Option<long>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => d.CheckpointEvery };
        var command = new Command("shapes-v1-stories", "Fine-tune a trained shapes-v1 pipeline's generators on multi-shot stories for generate-long (CPU); re-run to resume.")
        {
            pipeline, seed, stories, semanticStories, shotsPerStory, semanticSteps, semanticBatch, semanticShots, semanticRate, semanticCleanContext, semanticInit, latentInit, latentSteps, latentBatch, latentShots, latentRate, cleanContext, every,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(pipeline)!.FullName, new ShapesStoryOptions
        {
            Seed = parse.GetValue(seed),
            Stories = parse.GetValue(stories),
            SemanticStories = parse.GetValue(semanticStories),
            ShotsPerStory = parse.GetValue(shotsPerStory),
            SemanticSteps = parse.GetValue(semanticSteps),
            SemanticBatch = parse.GetValue(semanticBatch),
            SemanticMaxShots = parse.GetValue(semanticShots),
            SemanticLearningRate = parse.GetValue(semanticRate),
            SemanticCleanContext = parse.GetValue(semanticCleanContext),
            SemanticInitFrom = parse.GetValue(semanticInit)?.FullName,
            LatentInitFrom = parse.GetValue(latentInit)?.FullName,
            LatentSteps = parse.GetValue(latentSteps),
            LatentBatch = parse.GetValue(latentBatch),
            LatentShots = parse.GetValue(latentShots),
            LatentLearningRate = parse.GetValue(latentRate),
            LatentCleanContext = parse.GetValue(cleanContext),
            CheckpointEvery = parse.GetValue(every),
        }, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, ShapesStoryOptions options, CancellationToken cancellation)
    {
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Pipeline.Components.PipelineManifest manifest;
        try
        {
            manifest = await RecipeCommand.ShowProgressAsync(reporter => ShapesStoryRecipe.Run(options, folder, reporter, cancellation), cancellation).ConfigureAwait(false);
        }
        catch (Training.CheckpointException error)
        {
            throw new CliUsageException($"{error.Message} Use the options that run was started with.");
        }
        var table = new Table().AddColumn("stage").AddColumn("result");
        foreach (var stage in ShapesStoryRecipe.Stages)
            table.AddRow(stage, Markup.Escape(manifest.Training.GetValueOrDefault("stage." + stage, "not run")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"pipeline folder: {Markup.Escape(folder)}  ({clock.Elapsed.TotalMinutes:0.0} min this run); generate-long now uses the story generators.");
        return 0;
    }
}
