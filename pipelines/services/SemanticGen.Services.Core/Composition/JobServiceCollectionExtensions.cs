using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SemanticGen.Services.Core.Artifacts;
using SemanticGen.Services.Core.Events;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;
using SemanticGen.Services.Core.Stages;

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
    /// Adds the job API: <see cref="SqliteJobStore"/>, <see cref="JobQueue"/>, <see cref="JobSubmitter"/>, the
    /// <see cref="JobRunner"/> background service, and the <see cref="IStageInvoker"/> and <see cref="IJobEvents"/> that
    /// <c>Orchestration:Mode</c> selects (validated at start).
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
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section))
            .Validate(o => Enum.IsDefined(o.Mode) && (o.Events is null || Enum.IsDefined(o.Events.Value)),
                "Orchestration:Mode (and Orchestration:Events) must be Embedded or Dapr.")
            .ValidateOnStart();

        services.TryAddSingleton<IJobStore>(provider =>
        {
            var database = provider.GetRequiredService<IOptions<JobsOptions>>().Value.Database;
            var root = provider.GetRequiredService<ArtifactRoot>();
            return new SqliteJobStore(database ?? Path.Combine(root.Path, "jobs.db"), provider.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton<JobCancellations>();
        services.TryAddSingleton<JobSubmitter>();
        services.TryAddSingleton<JobActivities>();
        services.TryAddSingleton<JobExecutor>();
        services.AddHostedService<JobRunner>();
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
                ? new DaprJobEvents(DaprInvocation.Client(options))
                : provider.GetRequiredService<InProcessJobEvents>();
        });
        return services;
    }
}
