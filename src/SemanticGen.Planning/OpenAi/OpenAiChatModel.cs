using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using OpenAI.Chat;

namespace SemanticGen.Planning.OpenAi;

/// <summary>
/// Builds the Semantic Kernel chat service for any OpenAI-compatible endpoint (Ollama, llama.cpp server, vLLM,
/// OpenAI) from <see cref="ShotPlannerOptions"/>: an HttpClient with <c>Planner:Timeout</c>, the OpenAI client pointed
/// at <c>Planner:Endpoint</c> with its own retries off (the planner retries bad replies itself; a slow model must not
/// be asked three times over), and the execution settings that request structured output.
/// </summary>
public static class OpenAiChatModel
{
    // The OpenAI client requires a credential; servers that need none ignore the bearer token.
    private const string NoApiKey = "no-api-key";

    /// <summary>
    /// The chat service. <paramref name="handler"/> replaces the network (tests pass a recording stub); the returned
    /// service owns the HttpClient it creates.
    /// </summary>
    public static IChatCompletionService CreateChatService(ShotPlannerOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = options.Timeout };
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = Endpoint(options),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout,
        };
        var key = string.IsNullOrEmpty(options.ApiKey) ? NoApiKey : options.ApiKey;
        var client = new OpenAIClient(new ApiKeyCredential(key), clientOptions);
        return new OpenAIChatCompletionService(options.Model!, client);
    }

    /// <summary>Deterministic sampling and the response format of <c>Planner:ResponseFormat</c>.</summary>
    public static OpenAIPromptExecutionSettings ExecutionSettings(ShotPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new OpenAIPromptExecutionSettings { Temperature = 0 };
        if (string.Equals(options.ResponseFormat, ShotPlannerResponseFormats.JsonSchema, StringComparison.OrdinalIgnoreCase))
            settings.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
                "shot_plan", BinaryData.FromString(ShotPlanJson.Schema), "A story split into shots.", jsonSchemaIsStrict: true);
        else if (string.Equals(options.ResponseFormat, ShotPlannerResponseFormats.JsonObject, StringComparison.OrdinalIgnoreCase))
            settings.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();
        return settings;
    }

    /// <summary>The validated endpoint as a URI.</summary>
    public static Uri Endpoint(ShotPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Uri(options.Endpoint!, UriKind.Absolute);
    }
}
