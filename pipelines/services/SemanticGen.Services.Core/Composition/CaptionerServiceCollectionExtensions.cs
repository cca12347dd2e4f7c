using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SemanticGen.Abstractions.Media;
using SemanticGen.Media;
using SemanticGen.Services.Core.Captioning;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Core.Composition;

/// <summary>Registers the <see cref="ICaptioner"/> that <c>Captioning:Type</c> names (validated at start).</summary>
public static class CaptionerServiceCollectionExtensions
{
    /// <summary>Adds the captioner (and the ffmpeg video reader it decodes with).</summary>
    public static IServiceCollection AddSemanticGenCaptioner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSemanticGenMedia();
        services.AddOptions<CaptioningOptions>().Bind(configuration.GetSection(CaptioningOptions.Section))
            .Validate(o => o.Type is ShapesWorldCaptioner.Key or SemanticKernelCaptioner.Key,
                $"Captioning:Type must be '{ShapesWorldCaptioner.Key}' or '{SemanticKernelCaptioner.Key}'.")
            .Validate(o => o.Type != SemanticKernelCaptioner.Key
                           || (Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _) && !string.IsNullOrWhiteSpace(o.ModelId)),
                "Captioning:Type 'semantic-kernel' needs Captioning:Endpoint (an absolute URL) and Captioning:ModelId.")
            .Validate(o => o.Frames is >= 1 and <= 16, "Captioning:Frames must be within 1–16.")
            .ValidateOnStart();
        services.TryAddSingleton<ICaptioner>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CaptioningOptions>>().Value;
            var reader = provider.GetRequiredService<IVideoReader>();
            if (options.Type == ShapesWorldCaptioner.Key)
                return new ShapesWorldCaptioner(reader);
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SemanticKernelCaptioner.Key);
            // The endpoint constructor is how SK reaches any OpenAI-compatible server (Ollama, vLLM, llama.cpp); it is marked
            // experimental (SKEXP0010) in 1.82.
#pragma warning disable SKEXP0010
            var chat = new OpenAIChatCompletionService(options.ModelId!, new Uri(options.Endpoint!), options.ApiKey, httpClient: http);
#pragma warning restore SKEXP0010
            return new SemanticKernelCaptioner(chat, reader, options);
        });
        services.AddHttpClient(SemanticKernelCaptioner.Key);
        return services;
    }
}
