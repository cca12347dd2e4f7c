namespace SemanticGen.Services.Core.Composition;

/// <summary>Where stages run and where events go: in-process, or through Dapr.</summary>
public enum OrchestrationMode
{
    /// <summary>Stages in this process, events logged in-process (the default).</summary>
    Embedded,

    /// <summary>Stages in the stage services via Dapr service invocation, events on Dapr pub/sub.</summary>
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

    /// <summary>The sidecar's HTTP endpoint for service invocation; default: DAPR_HTTP_ENDPOINT or http://127.0.0.1:{DAPR_HTTP_PORT|3500}.</summary>
    public string? DaprHttpEndpoint { get; set; }

    /// <summary>The token the sidecar wants from this app (DAPR_API_TOKEN); default: that environment variable.</summary>
    public string? DaprApiToken { get; set; }
}
