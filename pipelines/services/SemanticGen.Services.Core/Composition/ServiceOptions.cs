namespace SemanticGen.Services.Core.Composition;

/// <summary>Configuration section <c>Service</c>: HTTP limits and the Dapr app API token of a service.</summary>
public sealed class ServiceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Service";

    /// <summary>Largest request body accepted (bytes); bodies carry references, so 64 KiB is plenty. Larger: 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The token Dapr sends in the <c>dapr-api-token</c> header (APP_API_TOKEN); when set, every request but
    /// <c>/healthz</c> must carry it. Default: the APP_API_TOKEN environment variable; empty: no check.
    /// </summary>
    public string? AppApiToken { get; set; }
}
