using System.Globalization;
using Microsoft.SemanticKernel;

namespace SemanticGen.Planning;

/// <summary>
/// An <see cref="IShotPlanner"/> that asks a Semantic Kernel function for the plan's JSON: the prompt function of
/// <see cref="ShotPlanPrompt"/> on a chat model, or the offline native plugin. Each reply is parsed strictly
/// (<see cref="ShotPlanJson.Parse"/>) and validated; a rejected reply is asked for again with the error appended,
/// up to <see cref="KernelShotPlannerSettings.MaxAttempts"/> times, then <see cref="ShotPlanningException"/> names
/// the last error. A model that does not answer in time fails at once with <see cref="ShotPlannerTimeoutException"/>.
/// </summary>
public sealed class KernelShotPlanner : IShotPlanner
{
    private const int MaxEchoedReplyChars = 4000;
    private readonly Kernel _kernel;
    private readonly KernelFunction _function;
    private readonly KernelShotPlannerSettings _settings;

    /// <summary>A planner calling <paramref name="function"/> on <paramref name="kernel"/>.</summary>
    public KernelShotPlanner(Kernel kernel, KernelFunction function, KernelShotPlannerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.MaxAttempts);
        (_kernel, _function, _settings) = (kernel, function, settings);
    }

    /// <summary>The kernel the planner calls (its services and plugins).</summary>
    public Kernel Kernel => _kernel;

    /// <inheritdoc />
    public async Task<ShotPlan> PlanAsync(string outline, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outline);
        var arguments = Arguments(outline);
        string? lastError = null;
        for (var attempt = 1; attempt <= _settings.MaxAttempts; attempt++)
        {
            var reply = await InvokeAsync(arguments, attempt, lastError, cancellationToken).ConfigureAwait(false);
            try
            {
                return ShotPlanJson.ParseValid(reply, _settings.Limits);
            }
            catch (InvalidShotPlanException error)
            {
                lastError = error.Message;
                arguments["feedback"] = Feedback(reply, error.Message);
            }
        }

        throw new ShotPlanningException(
            $"{_settings.Name} gave no valid shot plan in {_settings.MaxAttempts} attempt(s) (Planner:MaxAttempts); last error: {lastError}",
            _settings.MaxAttempts,
            lastError);
    }

    private async Task<string> InvokeAsync(KernelArguments arguments, int attempt, string? lastError, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _kernel.InvokeAsync(_function, arguments, cancellationToken).ConfigureAwait(false);
            return result.GetValue<string>() ?? "";
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested && _settings.Endpoint is { } endpoint)
        {
            // Not the caller's token: the HttpClient (or pipeline) timeout ran out.
            throw new ShotPlannerTimeoutException(endpoint, _settings.Timeout ?? TimeSpan.Zero, error);
        }
        catch (HttpOperationException error)
        {
            var status = error.StatusCode is { } code ? $"HTTP {(int)code} {code}" : "no HTTP status";
            throw new ShotPlanningException($"{_settings.Name} failed on attempt {attempt} ({status}): {error.Message}", attempt, lastError, error);
        }
    }

    private KernelArguments Arguments(string outline) =>
        new(_settings.ExecutionSettings)
        {
            ["outline"] = outline,
            ["schema"] = ShotPlanJson.Schema,
            ["max_shots"] = _settings.Limits.MaxShots.ToString(CultureInfo.InvariantCulture),
            ["shot_seconds"] = _settings.ProseShotSeconds.ToString("0.####", CultureInfo.InvariantCulture),
            ["max_shot_seconds"] = _settings.Limits.MaxShotSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["max_total_seconds"] = _settings.Limits.MaxTotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["feedback"] = "",
        };

    // Appended to the user message on a retry: the rejected reply (shortened) and why it was rejected.
    private static string Feedback(string reply, string error)
    {
        var echoed = reply.Length <= MaxEchoedReplyChars ? reply : reply[..MaxEchoedReplyChars] + " …";
        return $"\n\nYour previous reply was rejected.\nPrevious reply:\n{echoed}\nError: {error}\n" +
               "Reply again with only the corrected JSON object matching the schema.";
    }
}
