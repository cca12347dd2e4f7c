using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SemanticGen.Planning;

/// <summary>Registers the <see cref="IShotPlanner"/> that the "Planner" section selects.</summary>
public static class ShotPlannerServiceCollectionExtensions
{
    /// <summary>
    /// Binds the "Planner" section of <paramref name="configuration"/> (absent: the offline planner), validates it at
    /// start (messages name the keys) and registers <see cref="IShotPlanner"/> as a singleton:
    /// <c>Planner:Kind</c> = Offline (default) or OpenAI (<c>Planner:Endpoint</c>, <c>Planner:Model</c>, optional
    /// <c>Planner:ApiKey</c>, <c>Planner:Timeout</c>, <c>Planner:MaxAttempts</c>).
    /// </summary>
    public static IServiceCollection AddShotPlanner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ShotPlannerOptions>().Bind(configuration.GetSection(ShotPlannerOptions.Section)).ValidateOnStart();
        return services.AddShotPlannerCore();
    }

    /// <summary>As <see cref="AddShotPlanner(IServiceCollection, IConfiguration)"/>, configured in code (e.g. from CLI flags).</summary>
    public static IServiceCollection AddShotPlanner(this IServiceCollection services, Action<ShotPlannerOptions> configure)
    {
        services.AddOptions<ShotPlannerOptions>().Configure(configure).ValidateOnStart();
        return services.AddShotPlannerCore();
    }

    private static IServiceCollection AddShotPlannerCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShotPlannerOptions>, ShotPlannerOptionsValidator>());
        services.TryAddSingleton<IShotPlanner>(provider =>
            ShotPlanners.Create(provider.GetRequiredService<IOptions<ShotPlannerOptions>>().Value));
        return services;
    }
}
