namespace SemanticGen.Planning;

/// <summary>
/// Continuity notes of a shot: the subject and background that persist across the story (null where the planner
/// does not know them, e.g. free prose) and any other note for the generators or a human reviewer.
/// </summary>
/// <param name="Subject">The persisting subject, e.g. "red circle".</param>
/// <param name="Background">The persisting background, e.g. "gray".</param>
/// <param name="Notes">Anything else that must carry over, e.g. "starts where shot 1 ended".</param>
public sealed record ShotContinuity(string? Subject, string? Background, string? Notes)
{
    /// <summary>No continuity information.</summary>
    public static ShotContinuity None { get; } = new(null, null, null);
}
