using Microsoft.SemanticKernel;

namespace SemanticGen.Planning;

/// <summary>How a <see cref="KernelShotPlanner"/> calls its function and judges the replies.</summary>
/// <param name="Name">How errors name the planner, e.g. "the offline shot planner" or "chat model 'qwen2.5' at http://…".</param>
/// <param name="Limits">What a valid plan may contain.</param>
/// <param name="MaxAttempts">Replies asked for before giving up (≥ 1); each retry carries the previous error.</param>
/// <param name="ProseShotSeconds">The shot length the prompt suggests when the outline does not say.</param>
/// <param name="Endpoint">The model's base URL, named by timeout errors; null for a planner without a network.</param>
/// <param name="Timeout">The request timeout, named by timeout errors.</param>
/// <param name="ExecutionSettings">Settings handed to the kernel for each call (response format, temperature).</param>
public sealed record KernelShotPlannerSettings(
    string Name,
    ShotPlanLimits Limits,
    int MaxAttempts,
    double ProseShotSeconds,
    Uri? Endpoint = null,
    TimeSpan? Timeout = null,
    PromptExecutionSettings? ExecutionSettings = null);
