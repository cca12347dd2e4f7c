using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>Registers <see cref="TextToVideoWorkflow"/> and its activities with the Dapr Workflow runtime.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Dapr Workflow worker (a hosted service: it connects to the sidecar's workflow API, DAPR_GRPC_ENDPOINT /
    /// DAPR_GRPC_PORT, when the host starts) with the text-to-video workflow and its activities, and the
    /// <see cref="DaprWorkflowClient"/> (no connection until first used). <paramref name="apiToken"/> gives the client the
    /// sidecar's API token (null: DAPR_API_TOKEN, as the worker always uses).
    /// </summary>
    public static IServiceCollection AddSemanticGenWorkflow(this IServiceCollection services, Func<IServiceProvider, string?>? apiToken = null)
    {
        services.AddDaprWorkflowBuilder(
            options =>
            {
                options.RegisterWorkflow<TextToVideoWorkflow>();
                options.RegisterActivity<CaptionActivity>();
                options.RegisterActivity<SemanticsActivity>();
                options.RegisterActivity<RenderActivity>();
                options.RegisterActivity<CompleteJobActivity>();
            },
            (provider, client) =>
            {
                if (apiToken?.Invoke(provider) is { Length: > 0 } token)
                    client.UseDaprApiToken(token);
            });
        return services;
    }
}
