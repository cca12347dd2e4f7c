namespace SemanticGen.Planning;

/// <summary>
/// A planner gave up: its model never produced a valid plan within the allowed attempts, or the model endpoint failed.
/// The message names the planner (and endpoint, for a model), the number of attempts and the last error.
/// </summary>
public sealed class ShotPlanningException : Exception
{
    /// <summary>A failure after <paramref name="attempts"/> attempts whose last problem was <paramref name="lastError"/>.</summary>
    public ShotPlanningException(string message, int attempts, string? lastError, Exception? inner = null)
        : base(message, inner) => (Attempts, LastError) = (attempts, lastError);

    /// <summary>How many replies were asked for.</summary>
    public int Attempts { get; }

    /// <summary>Why the last reply was rejected (null when the failure was not about a reply).</summary>
    public string? LastError { get; }
}
