using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SemanticGen.Services.Core.Composition;

/// <summary>
/// The hook through which a service host gets its generator stages. Hosts call <see cref="AddStages"/> with an optional
/// compile-time registration (the pipeline's own <c>AddX()</c>); a <c>Stages:Module</c> in configuration is loaded too.
/// </summary>
public static class StageRegistration
{
    /// <summary>
    /// Applies <paramref name="register"/> (may be null) and the <see cref="IStageModule"/> named by <c>Stages:Module</c> /
    /// <c>Stages:ModuleType</c> (when set). A module that cannot be loaded is a start-up error naming it.
    /// </summary>
    public static IServiceCollection AddStages(
        this IServiceCollection services, IConfiguration configuration, Action<IServiceCollection, IConfiguration>? register = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        register?.Invoke(services, configuration);
        var modulePath = configuration["Stages:Module"];
        var typeName = configuration["Stages:ModuleType"];
        if (string.IsNullOrWhiteSpace(modulePath))
            return services;
        if (string.IsNullOrWhiteSpace(typeName))
            throw new InvalidOperationException($"Stages:Module is '{modulePath}' but Stages:ModuleType (the IStageModule's full type name) is not set.");
        var full = Path.GetFullPath(modulePath);
        if (!File.Exists(full))
            throw new InvalidOperationException($"Stages:Module '{full}' does not exist.");
        var type = Assembly.LoadFrom(full).GetType(typeName, throwOnError: false)
            ?? throw new InvalidOperationException($"Stages:ModuleType '{typeName}' is not in '{full}'.");
        if (Activator.CreateInstance(type) is not IStageModule module)
            throw new InvalidOperationException($"'{typeName}' does not implement {nameof(IStageModule)}.");
        module.Register(services, configuration);
        return services;
    }

    /// <summary>Throws naming the missing service when <typeparamref name="T"/> is not registered (call after Build()).</summary>
    public static void Require<T>(IServiceProvider services, string serviceName) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<T>() is null)
            throw new InvalidOperationException(
                $"{serviceName} has no {typeof(T).Name}: register the pipeline's stages (the host's stage registration hook, or " +
                "Stages:Module + Stages:ModuleType in configuration; see pipelines/services/README.md).");
    }
}
