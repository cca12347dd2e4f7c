using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>Registers <see cref="TextToVideoWorkflow"/> and its activities with the Dapr Workflow runtime (needs a sidecar).</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>Adds the Dapr Workflow worker with the text-to-video workflow and its activities.</summary>
    public static IServiceCollection AddSemanticGenWorkflow(this IServiceCollection services)
    {
        services.AddDaprWorkflow(options =>
        {
            options.RegisterWorkflow<TextToVideoWorkflow>();
            options.RegisterActivity<CaptionActivity>();
            options.RegisterActivity<SemanticsActivity>();
            options.RegisterActivity<RenderActivity>();
            options.RegisterActivity<CompleteJobActivity>();
        });
        return services;
    }
}
