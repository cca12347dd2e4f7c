using System.CommandLine;
using SemanticGen.Pipeline.Components;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Orchestrator;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `serve`: the job API (POST /jobs, GET /jobs/{id}, GET /jobs/{id}/result, POST /jobs/{id}/cancel, GET /healthz) with
/// the pipeline embedded in this process: SQLite job store, bounded queue, jobs resumed after a restart
/// (pipelines/services, <see cref="EmbeddedHost"/>). Runs until Ctrl+C.
/// </summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string DefaultArtifacts = "data/artifacts";

    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (ASP.NET Core URLs; port 0 picks a free one).", DefaultValueFactory = _ => DefaultUrls };
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder (pipeline.json + component files).", DefaultValueFactory = _ => new DirectoryInfo(GenerateCommand.DefaultPipelineFolder()) };
        var artifacts = new Option<DirectoryInfo>("--artifacts") { Description = "Artifact root: job outputs, and the only place job inputs are read from.", DefaultValueFactory = _ => new DirectoryInfo(DefaultArtifacts) };
        var database = new Option<FileInfo?>("--database") { Description = "SQLite job store (default: jobs.db in the artifact root)." };
        var command = new Command("serve", "Serve the job API (text-to-video, caption-folder jobs) with the pipeline embedded; Ctrl+C stops.")
        {
            urls, pipeline, artifacts, database,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(
            parse.GetValue(urls)!, parse.GetValue(pipeline)!.FullName, parse.GetValue(artifacts)!.FullName, parse.GetValue(database)?.FullName, cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string urls, string pipeline, string artifacts, string? database, CancellationToken cancellation)
    {
        PipelineManifest.Read(pipeline); // a missing or broken pipeline is a usage error before anything listens
        Directory.CreateDirectory(artifacts);
        string[] args =
        [
            "--urls", urls,
            "--Artifacts:Root", artifacts,
            $"--{PipelineStages.FolderKey}", pipeline,
            .. database is null ? Array.Empty<string>() : ["--Jobs:Database", database],
        ];
        await Console.Out.WriteLineAsync($"serving the job API with {pipeline}; artifacts in {artifacts}").ConfigureAwait(false);
        await EmbeddedHost.RunAsync(args, PipelineStages.Register, cancellation).ConfigureAwait(false);
        return 0;
    }
}
