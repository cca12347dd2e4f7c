using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Http;

namespace SemanticGen.Services.Orchestrator;

/// <summary>
/// DI wiring of the orchestrator: the job API with the runner, job store, stage invoker and events that the
/// <c>Orchestration</c> section selects (embedded: in-process runner, SQLite store, stages and captioner in-process; Dapr:
/// a Dapr Workflow instance per job, the Dapr state store, the stage services through the sidecar).
/// </summary>
public static class OrchestratorService
{
    /// <summary>
    /// Builds the app. <paramref name="registerStages"/> adds the pipeline's stages for embedded mode (the real pipeline's
    /// <c>AddX()</c>); <c>Stages:Module</c> in configuration is loaded too. Embedded mode without an
    /// <see cref="ISemanticStage"/> and <see cref="ILatentStage"/> is a start-up error.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration>? registerStages = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSemanticGenServiceDefaults();
        builder.Services.AddSemanticGenJobs(builder.Configuration);
        var embedded = builder.Configuration.GetValue(
            $"{OrchestrationOptions.Section}:{nameof(OrchestrationOptions.Mode)}", OrchestrationMode.Embedded) == OrchestrationMode.Embedded;
        if (embedded)
        {
            builder.Services.AddStages(builder.Configuration, registerStages);
            builder.Services.AddSemanticGenCaptioner(builder.Configuration);
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        if (app.Services.GetRequiredService<IOptions<OrchestrationOptions>>().Value.Mode == OrchestrationMode.Embedded)
        {
            StageRegistration.Require<ISemanticStage>(app.Services, "the embedded orchestrator");
            StageRegistration.Require<ILatentStage>(app.Services, "the embedded orchestrator");
        }

        app.UseSemanticGenServiceDefaults();
        app.MapJobEndpoints();
        return app;
    }
}
