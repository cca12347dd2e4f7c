namespace SemanticGen.Services.Core.Composition;

/// <summary>Where stages run and where events go: in-process, or through Dapr.</summary>
public enum OrchestrationMode
{
    /// <summary>Stages in this process, events logged in-process (the default).</summary>
    Embedded,

    /// <summary>Stages in the stage services via Dapr service invocation, events on Dapr pub/sub.</summary>
    Dapr,
}

/// <summary>What runs accepted jobs.</summary>
public enum JobRunnerKind
{
    /// <summary>The in-process <see cref="Running.JobRunner"/> with its bounded queue (restart recovery from the job store).</summary>
    Embedded,

    /// <summary>A Dapr Workflow instance per job (<see cref="Workflow.TextToVideoWorkflow"/>, instance id = job id); durable in the sidecar.</summary>
    Workflow,
}

/// <summary>Where job status lives.</summary>
public enum JobStoreKind
{
    /// <summary><see cref="Jobs.SqliteJobStore"/> (one file; <c>Jobs:Database</c>).</summary>
    Sqlite,

    /// <summary><see cref="Jobs.DaprJobStore"/> in the Dapr state store <see cref="DaprNames.StateStore"/>.</summary>
    Dapr,
}

/// <summary>Configuration section <c>Orchestration</c>, validated at start.</summary>
public sealed class OrchestrationOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Orchestration";

    /// <summary>Where stages run (<c>Embedded</c> | <c>Dapr</c>).</summary>
    public OrchestrationMode Mode { get; set; } = OrchestrationMode.Embedded;

    /// <summary>Where events go; default: as <see cref="Mode"/>.</summary>
    public OrchestrationMode? Events { get; set; }

    /// <summary>What runs jobs; default: <c>Workflow</c> when <see cref="Mode"/> is Dapr, else <c>Embedded</c>.</summary>
    public JobRunnerKind? Runner { get; set; }

    /// <summary>Where job status lives; default: <c>Dapr</c> when <see cref="Mode"/> is Dapr, else <c>Sqlite</c>.</summary>
    public JobStoreKind? JobStore { get; set; }

    /// <summary><see cref="Runner"/> or its default.</summary>
    public JobRunnerKind EffectiveRunner => Runner ?? (Mode == OrchestrationMode.Dapr ? JobRunnerKind.Workflow : JobRunnerKind.Embedded);

    /// <summary><see cref="JobStore"/> or its default.</summary>
    public JobStoreKind EffectiveJobStore => JobStore ?? (Mode == OrchestrationMode.Dapr ? JobStoreKind.Dapr : JobStoreKind.Sqlite);

    /// <summary>The problems of this combination (empty: valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Mode) || (Events is { } events && !Enum.IsDefined(events)))
            problems.Add("Orchestration:Mode (and Orchestration:Events) must be Embedded or Dapr.");
        if (Runner is { } runner && !Enum.IsDefined(runner))
            problems.Add("Orchestration:Runner must be Embedded or Workflow.");
        if (JobStore is { } store && !Enum.IsDefined(store))
            problems.Add("Orchestration:JobStore must be Sqlite or Dapr.");
        if (problems.Count > 0)
            return problems;
        if (EffectiveRunner == JobRunnerKind.Workflow && Mode != OrchestrationMode.Dapr)
            problems.Add("Orchestration:Runner=Workflow needs Orchestration:Mode=Dapr (the workflow's activities call the stage services through the sidecar).");
        if (EffectiveJobStore == JobStoreKind.Dapr && EffectiveRunner != JobRunnerKind.Workflow)
            problems.Add("Orchestration:JobStore=Dapr needs Orchestration:Runner=Workflow: the embedded runner re-queues unfinished jobs from its store at start, which the Dapr state store cannot list; use JobStore=Sqlite with Runner=Embedded.");
        return problems;
    }

    /// <summary>The sidecar's HTTP endpoint for service invocation; default: DAPR_HTTP_ENDPOINT or http://127.0.0.1:{DAPR_HTTP_PORT|3500}.</summary>
    public string? DaprHttpEndpoint { get; set; }

    /// <summary>The token the sidecar wants from this app (DAPR_API_TOKEN); default: that environment variable.</summary>
    public string? DaprApiToken { get; set; }
}
