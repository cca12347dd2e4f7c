using Dapr.Workflow;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>The retry policies of the workflow's activity calls.</summary>
public static class WorkflowRetries
{
    /// <summary>Stage activities: 4 attempts, 2 s then doubling up to 1 min (activities are idempotent, so a retry is safe).</summary>
    public static WorkflowTaskOptions Stage { get; } = new(
        new WorkflowRetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromMinutes(1), retryTimeout: TimeSpan.FromMinutes(30)),
        TargetAppId: null!, PropagationScope: default);

    /// <summary>Bookkeeping activities (store updates, events): 3 quick attempts.</summary>
    public static WorkflowTaskOptions Bookkeeping { get; } = new(
        new WorkflowRetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromSeconds(10), retryTimeout: TimeSpan.FromMinutes(2)),
        TargetAppId: null!, PropagationScope: default);
}
