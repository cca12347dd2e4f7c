namespace SemanticGen.Planning;

/// <summary>The planner's chat model did not answer within <c>Planner:Timeout</c>; the message names the endpoint.</summary>
public sealed class ShotPlannerTimeoutException : TimeoutException
{
    /// <summary>A timeout of <paramref name="timeout"/> at <paramref name="endpoint"/>.</summary>
    public ShotPlannerTimeoutException(Uri endpoint, TimeSpan timeout, Exception? inner = null)
        : base($"the shot planner's chat model at {endpoint} did not answer within {timeout.TotalSeconds:0.###} s " +
               "(Planner:Timeout); is the server up and the model loaded? Raise Planner:Timeout for slow local models.", inner)
        => (Endpoint, Timeout) = (endpoint, timeout);

    /// <summary>The endpoint that did not answer.</summary>
    public Uri Endpoint { get; }

    /// <summary>The timeout that ran out.</summary>
    public TimeSpan Timeout { get; }
}
