using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SemanticGen.Planning.Offline;
using SemanticGen.Planning.OpenAi;

namespace SemanticGen.Planning;

/// <summary>
/// Builds the planners of <see cref="ShotPlannerOptions.Kind"/>, each a <see cref="KernelShotPlanner"/> over its own
/// kernel: Offline = the native <see cref="OfflineShotPlannerPlugin"/>; OpenAI = the <see cref="ShotPlanPrompt"/>
/// prompt function on an OpenAI-compatible chat service. DI uses these through <c>AddShotPlanner</c>.
/// </summary>
public static class ShotPlanners
{
    /// <summary>The planner <paramref name="options"/> select; throws <see cref="OptionsValidationException"/> for invalid options.</summary>
    public static KernelShotPlanner Create(ShotPlannerOptions options, HttpMessageHandler? handler = null)
    {
        Validate(options);
        return string.Equals(options.Kind, ShotPlannerKinds.OpenAI, StringComparison.OrdinalIgnoreCase)
            ? CreateOpenAi(options, handler)
            : CreateOffline(options);
    }

    /// <summary>The offline planner: one attempt (it is deterministic, a retry would give the same reply).</summary>
    public static KernelShotPlanner CreateOffline(ShotPlannerOptions? options = null)
    {
        options ??= new ShotPlannerOptions();
        Validate(options);
        var kernel = new Kernel();
        var plugin = kernel.Plugins.AddFromObject(new OfflineShotPlannerPlugin(options.ShotSeconds), OfflineShotPlannerPlugin.PluginName);
        var settings = new KernelShotPlannerSettings("the offline shot planner", options.ToLimits(), MaxAttempts: 1, options.ShotSeconds);
        return new KernelShotPlanner(kernel, plugin[OfflineShotPlannerPlugin.FunctionName], settings);
    }

    /// <summary>
    /// The chat-model planner against <c>Planner:Endpoint</c>; <paramref name="handler"/> replaces the network
    /// (tests pass a recorded-reply stub).
    /// </summary>
    public static KernelShotPlanner CreateOpenAi(ShotPlannerOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.Kind, ShotPlannerKinds.OpenAI, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{ShotPlannerOptions.Section}:Kind is '{options.Kind}'; the chat-model planner needs '{ShotPlannerKinds.OpenAI}'", nameof(options));
        Validate(options);
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(OpenAiChatModel.CreateChatService(options, handler));
        var kernel = builder.Build();
        var endpoint = OpenAiChatModel.Endpoint(options);
        var settings = new KernelShotPlannerSettings(
            $"chat model '{options.Model}' at {endpoint}",
            options.ToLimits(),
            options.MaxAttempts,
            options.ShotSeconds,
            endpoint,
            options.Timeout,
            OpenAiChatModel.ExecutionSettings(options));
        return new KernelShotPlanner(kernel, ShotPlanPrompt.CreateFunction(settings.ExecutionSettings), settings);
    }

    private static void Validate(ShotPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ShotPlannerOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
            throw new OptionsValidationException(Options.DefaultName, typeof(ShotPlannerOptions), result.Failures);
    }
}
