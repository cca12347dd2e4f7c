using System.Text.Json;
using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SemanticGen.Services.Tests;

/// <summary>
/// FAKE of Dapr's <see cref="WorkflowContext"/> (no Dapr Workflow runtime here). It runs workflow code the way the
/// durable runtime does, minus durability:
/// <list type="bullet">
/// <item>activity inputs and outputs cross a JSON boundary (web defaults, as the SDK), so what is not serialisable fails here;</item>
/// <item>a failing activity is retried as its <see cref="WorkflowRetryPolicy"/> says (attempts, first interval, backoff,
/// cap); the waits are recorded in <see cref="RetryDelays"/>, not slept; the last failure surfaces as
/// <see cref="WorkflowTaskFailedException"/>;</item>
/// <item>every completed activity is appended to <see cref="History"/>; constructed with a history, the context REPLAYS it:
/// while history remains, calls return the recorded outputs without running anything (<see cref="IsReplaying"/> is true)
/// and a call that differs from the recorded one (name or input) throws, as the runtime's non-determinism check does.</item>
/// </list>
/// </summary>
public sealed class FakeWorkflowContextForTests(string instanceId, IReadOnlyList<FakeWorkflowContextForTests.Recorded>? history = null)
    : WorkflowContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, IWorkflowActivity> _activities = new(StringComparer.Ordinal);
    private readonly List<Recorded> _history = [];
    private readonly IReadOnlyList<Recorded> _replay = history ?? [];

    /// <summary>One activity call as the runtime records it: name, input JSON, output JSON (or the failure).</summary>
    public sealed record Recorded(string Name, string InputJson, string? OutputJson, WorkflowTaskFailureDetails? Failure);

    /// <summary>Completed activity calls, in order (replayed ones included).</summary>
    public IReadOnlyList<Recorded> History => _history;

    /// <summary>Every attempt of every activity this context actually ran (not replayed), in order.</summary>
    public List<string> Executed { get; } = [];

    /// <summary>The retry waits the policies asked for, in order.</summary>
    public List<TimeSpan> RetryDelays { get; } = [];

    /// <summary>Every custom status the workflow set, in order.</summary>
    public List<object?> CustomStatuses { get; } = [];

    /// <summary>Registers an activity under its class name (as <c>RegisterActivity&lt;T&gt;()</c> does).</summary>
    public FakeWorkflowContextForTests With(IWorkflowActivity activity)
    {
        _activities[activity.GetType().Name] = activity;
        return this;
    }

    public override string Name => "TextToVideoWorkflow";

    public override string InstanceId => instanceId;

    public override DateTime CurrentUtcDateTime => new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public override bool IsReplaying => _history.Count < _replay.Count;

    public override async Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        var inputJson = JsonSerializer.Serialize(input, Json);
        if (IsReplaying)
        {
            var recorded = _replay[_history.Count];
            if (recorded.Name != name || recorded.InputJson != inputJson)
                throw new InvalidOperationException(
                    $"non-deterministic workflow: replay expected {recorded.Name}({recorded.InputJson}) but the code called {name}({inputJson}).");
            _history.Add(recorded);
            return recorded.Failure is { } failed
                ? throw new WorkflowTaskFailedException($"Task '{name}' failed", failed)
                : JsonSerializer.Deserialize<T>(recorded.OutputJson!, Json)!;
        }

        if (!_activities.TryGetValue(name, out var activity))
            throw new InvalidOperationException($"no activity '{name}' is registered.");
        var policy = options?.RetryPolicy;
        var attempts = Math.Max(1, policy?.MaxNumberOfAttempts ?? 1);
        for (var attempt = 1; ; attempt++)
        {
            Executed.Add(name);
            try
            {
                var output = await activity.RunAsync(new FakeWorkflowActivityContextForTests(instanceId, name),
                    JsonSerializer.Deserialize(inputJson, activity.InputType, Json));
                var outputJson = JsonSerializer.Serialize(output, activity.OutputType, Json);
                _history.Add(new Recorded(name, inputJson, outputJson, null));
                return JsonSerializer.Deserialize<T>(outputJson, Json)!;
            }
            catch (Exception error) when (error is not InvalidOperationException { Source: "fake" })
            {
                if (attempt < attempts)
                {
                    var delay = TimeSpan.FromTicks((long)(policy!.FirstRetryInterval.Ticks * Math.Pow(policy.BackoffCoefficient, attempt - 1)));
                    RetryDelays.Add(policy.MaxRetryInterval is { } cap && delay > cap ? cap : delay);
                    continue;
                }

                var details = new WorkflowTaskFailureDetails(error.GetType().FullName!, error.Message, error.StackTrace);
                _history.Add(new Recorded(name, inputJson, null, details));
                throw new WorkflowTaskFailedException($"Task '{name}' (#{_history.Count - 1}) failed with an unhandled exception: {error.Message}", details);
            }
        }
    }

    public override Task CallActivityAsync(string name, object? input = null, WorkflowTaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    public override void SetCustomStatus(object? customStatus) => CustomStatuses.Add(customStatus);

    public override ILogger CreateReplaySafeLogger(string categoryName) => NullLogger.Instance;

    public override ILogger CreateReplaySafeLogger(Type type) => NullLogger.Instance;

    public override ILogger CreateReplaySafeLogger<T>() => NullLogger.Instance;

    // Timers, events, child workflows and continue-as-new are not used by TextToVideoWorkflow.
    public override Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) => throw Unused();

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => throw Unused();

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default) => throw Unused();

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout) => throw Unused();

    public override void SendEvent(string instanceId, string eventName, object payload) => throw Unused();

    public override Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null) =>
        throw Unused();

    public override Task CallChildWorkflowAsync(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null) => throw Unused();

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => throw Unused();

    public override Guid NewGuid() => throw Unused();

    public override bool IsPatched(string patchName) => false;

    public override PropagatedHistory? GetPropagatedHistory() => null;

    private static InvalidOperationException Unused() => new("not used by the workflow under test") { Source = "fake" };
}

/// <summary>FAKE of Dapr's <see cref="WorkflowActivityContext"/> handed to activities by <see cref="FakeWorkflowContextForTests"/>.</summary>
public sealed class FakeWorkflowActivityContextForTests(string instanceId, string name) : WorkflowActivityContext
{
    public override string InstanceId => instanceId;

    public override TaskIdentifier Identifier => new(name);

    public override string TaskExecutionKey => $"{instanceId}:{name}";
}
