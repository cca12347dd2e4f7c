using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;
using SemanticGen.Services.Core.Stages;
using SemanticGen.Services.Core.Workflow;

namespace SemanticGen.Services.Core.Composition;

/// <summary>Registers the job API's parts: artifact root, SQLite store, queue, runner, stage invoker and events.</summary>
public static class JobServiceCollectionExtensions
{
    /// <summary>Adds the shared <see cref="ArtifactRoot"/> from <c>Artifacts:Root</c> (missing: a start-up error).</summary>
    public static IServiceCollection AddSemanticGenArtifacts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ArtifactOptions>().Bind(configuration.GetSection(ArtifactOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "Artifacts:Root is not set: every service needs the shared artifact folder.")
            .ValidateOnStart();
        services.TryAddSingleton(provider => new ArtifactRoot(provider.GetRequiredService<IOptions<ArtifactOptions>>().Value.Root!));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Adds the job API. <c>Orchestration:Runner</c> picks what runs jobs: <c>Embedded</c> — <see cref="JobQueue"/>,
    /// <see cref="JobSubmitter"/> and the <see cref="JobRunner"/> background service; <c>Workflow</c> (default with
    /// <c>Mode=Dapr</c>) — <see cref="WorkflowJobSubmitter"/> scheduling <see cref="TextToVideoWorkflow"/> through
    /// <see cref="DaprWorkflowScheduler"/>, and the Dapr Workflow worker with the workflow and its activities.
    /// <c>Orchestration:JobStore</c> picks <see cref="SqliteJobStore"/> or <see cref="DaprJobStore"/> (default with
    /// <c>Mode=Dapr</c>); <c>Orchestration:Mode</c> the <see cref="IStageInvoker"/> and <see cref="IJobEvents"/>. An invalid
    /// combination is a start-up error. Nothing here talks to a sidecar until a job is submitted or the host is started.
    /// </summary>
    public static IServiceCollection AddSemanticGenJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSemanticGenArtifacts(configuration);
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section))
            .Validate(o => o.QueueCapacity >= 1, "Jobs:QueueCapacity must be at least 1.")
            .Validate(o => o.Concurrency >= 1, "Jobs:Concurrency must be at least 1.")
            .Validate(o => o.RetryAfterSeconds >= 1, "Jobs:RetryAfterSeconds must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section));
        // What to register depends on the section (the hosted services differ), so it is checked here, when the host is built.
        var orchestration = configuration.GetSection(OrchestrationOptions.Section).Get<OrchestrationOptions>() ?? new OrchestrationOptions();
        if (orchestration.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join(" ", problems));

        services.TryAddSingleton(provider => DaprInvocation.Client(provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value));
        if (orchestration.EffectiveJobStore == JobStoreKind.Dapr)
        {
            services.TryAddSingleton<IJobStore>(provider => new DaprJobStore(provider.GetRequiredService<DaprClient>(), provider.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.TryAddSingleton<IJobStore>(provider =>
            {
                var database = provider.GetRequiredService<IOptions<JobsOptions>>().Value.Database;
                var root = provider.GetRequiredService<ArtifactRoot>();
                return new SqliteJobStore(database ?? Path.Combine(root.Path, "jobs.db"), provider.GetRequiredService<TimeProvider>());
            });
        }

        services.TryAddSingleton<JobActivities>();
        if (orchestration.EffectiveRunner == JobRunnerKind.Workflow)
        {
            services.TryAddSingleton<IWorkflowScheduler>(provider => new DaprWorkflowScheduler(provider.GetRequiredService<DaprWorkflowClient>()));
            services.TryAddSingleton<IJobSubmitter, WorkflowJobSubmitter>();
            services.AddSemanticGenWorkflow(provider => DaprInvocation.ApiToken(provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value));
        }
        else
        {
            services.TryAddSingleton<JobQueue>();
            services.TryAddSingleton<JobCancellations>();
            services.TryAddSingleton<JobSubmitter>();
            services.TryAddSingleton<IJobSubmitter>(provider => provider.GetRequiredService<JobSubmitter>());
            services.TryAddSingleton<JobExecutor>();
            services.AddHostedService<JobRunner>();
        }

        services.AddSingleton<InProcessJobEvents>();

        services.AddHttpClient(DaprStageInvoker.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                DaprInvocation.AddApiToken(client, provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value);
                client.Timeout = Timeout.InfiniteTimeSpan; // a stage runs for minutes; Dapr's resiliency policy bounds it
            })
            .AddHttpMessageHandler(provider => DaprInvocation.Handler(provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value));
        services.TryAddSingleton<IStageInvoker>(provider =>
            provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value.Mode == OrchestrationMode.Dapr
                ? new DaprStageInvoker(provider.GetRequiredService<IHttpClientFactory>().CreateClient(DaprStageInvoker.HttpClientName))
                : new EmbeddedStageInvoker(provider));
        services.TryAddSingleton<IJobEvents>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
            return (options.Events ?? options.Mode) == OrchestrationMode.Dapr
                ? new DaprJobEvents(provider.GetRequiredService<DaprClient>())
                : provider.GetRequiredService<InProcessJobEvents>();
        });
        return services;
    }
}
