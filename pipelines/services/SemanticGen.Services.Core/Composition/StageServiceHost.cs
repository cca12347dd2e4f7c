using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Services.Core.Http;

namespace SemanticGen.Services.Core.Composition;

/// <summary>The composition root shared by the stage services (semantic generation, latent generation).</summary>
public static class StageServiceHost
{
    /// <summary>
    /// Builds a stage service's app: service defaults, artifact root, the stages from <paramref name="registerStages"/>
    /// (the real pipeline's registration) and <c>Stages:Module</c>; no <typeparamref name="TStage"/> registered is a
    /// start-up error naming <paramref name="serviceName"/>; then <paramref name="mapEndpoints"/>.
    /// </summary>
    public static WebApplication Build<TStage>(string[] args, string serviceName, Action<WebApplication> mapEndpoints,
        Action<IServiceCollection, IConfiguration>? registerStages, Action<WebApplicationBuilder>? configure)
        where TStage : class
    {
        ArgumentNullException.ThrowIfNull(mapEndpoints);
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSemanticGenServiceDefaults();
        builder.Services.AddSemanticGenArtifacts(builder.Configuration);
        builder.Services.AddStages(builder.Configuration, registerStages);
        configure?.Invoke(builder);
        var app = builder.Build();
        StageRegistration.Require<TStage>(app.Services, serviceName);
        app.UseSemanticGenServiceDefaults();
        mapEndpoints(app);
        return app;
    }
}
