using Dapr.Client;

namespace SemanticGen.Services.Core.Composition;

/// <summary>Builds the Dapr SDK pieces from <see cref="OrchestrationOptions"/> (endpoint and token; environment defaults).</summary>
public static class DaprInvocation
{
    /// <summary>The sidecar HTTP endpoint: the option, else DAPR_HTTP_ENDPOINT, else http://127.0.0.1:{DAPR_HTTP_PORT or 3500}.</summary>
    public static string HttpEndpoint(OrchestrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DaprHttpEndpoint
            ?? Environment.GetEnvironmentVariable("DAPR_HTTP_ENDPOINT")
            ?? $"http://127.0.0.1:{Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") ?? "3500"}";
    }

    /// <summary>The token for the sidecar: the option, else DAPR_API_TOKEN (null: none).</summary>
    public static string? ApiToken(OrchestrationOptions options) =>
        options.DaprApiToken ?? Environment.GetEnvironmentVariable("DAPR_API_TOKEN");

    /// <summary>The SDK's invocation handler: rewrites http://{app-id}/{method} to the sidecar's /v1.0/invoke route.</summary>
    public static InvocationHandler Handler(OrchestrationOptions options) => new() { DaprEndpoint = HttpEndpoint(options) };

    /// <summary>Adds the sidecar's API token (when one is configured) to every request of <paramref name="client"/>.</summary>
    public static void AddApiToken(HttpClient client, OrchestrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (ApiToken(options) is { Length: > 0 } token)
            client.DefaultRequestHeaders.Add("dapr-api-token", token);
    }

    /// <summary>A <see cref="DaprClient"/> for pub/sub and state (gRPC endpoint from DAPR_GRPC_ENDPOINT / DAPR_GRPC_PORT).</summary>
    public static DaprClient Client(OrchestrationOptions options)
    {
        var builder = new DaprClientBuilder().UseHttpEndpoint(HttpEndpoint(options));
        var token = ApiToken(options);
        if (token is not null)
            builder.UseDaprApiToken(token);
        return builder.Build();
    }
}
