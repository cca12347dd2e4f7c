namespace SemanticGen.Services.Orchestrator;

/// <summary>
/// The single-process deployment (what <c>semanticgen serve</c> runs): the orchestrator's job API with the stages
/// embedded, configured by command-line arguments.
/// </summary>
public static class EmbeddedHost
{
    /// <summary>
    /// Runs the embedded job API until <paramref name="cancellationToken"/> fires. <paramref name="args"/> are ASP.NET Core
    /// arguments (e.g. <c>--urls http://127.0.0.1:5080 --Artifacts:Root data/artifacts</c>); <paramref name="registerStages"/>
    /// adds the pipeline's stages.
    /// </summary>
    public static async Task RunAsync(string[] args, Action<IServiceCollection, IConfiguration>? registerStages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        await using var app = OrchestratorService.Build([.. args, "--Orchestration:Mode", "Embedded"], registerStages);
        await app.RunAsync(cancellationToken);
    }
}
