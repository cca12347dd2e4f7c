using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Http;

/// <summary>What every SemanticGen service host shares: body size limit, JSON shape, ProblemDetails, token auth, /healthz.</summary>
public static class ServiceHostDefaults
{
    /// <summary>Applies the defaults to <paramref name="builder"/> (Kestrel body limit from <c>Service:MaxRequestBodyBytes</c>).</summary>
    public static WebApplicationBuilder AddSemanticGenServiceDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = ReadOptions(builder.Configuration);
        if (options.MaxRequestBodyBytes < 1024)
            throw new InvalidOperationException($"Service:MaxRequestBodyBytes must be at least 1024, found {options.MaxRequestBodyBytes}.");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.Configure<JsonOptions>(json => JobJson.Configure(json.SerializerOptions));
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Adds the middleware (errors as ProblemDetails, app token check) and <c>GET /healthz</c>.</summary>
    public static WebApplication UseSemanticGenServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var token = ReadOptions(app.Configuration).AppApiToken;
        if (!string.IsNullOrEmpty(token))
            app.UseMiddleware<AppApiTokenMiddleware>(token);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        return app;
    }

    private static ServiceOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        options.AppApiToken ??= Environment.GetEnvironmentVariable("APP_API_TOKEN");
        return options;
    }
}
