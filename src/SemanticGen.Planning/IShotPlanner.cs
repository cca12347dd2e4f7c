namespace SemanticGen.Planning;

/// <summary>
/// Turns a story outline into an ordered, validated <see cref="ShotPlan"/> (issue 6, "Shot planning"). The first arrow
/// of the long-video data flow: outline → shot list → semantic generator.
/// </summary>
public interface IShotPlanner
{
    /// <summary>
    /// Plans <paramref name="outline"/>. The result has already passed <see cref="ShotPlanValidator"/>; a planner that
    /// cannot produce a valid plan throws <see cref="ShotPlanningException"/> (or <see cref="ShotPlannerTimeoutException"/>
    /// when its model does not answer in time).
    /// </summary>
    Task<ShotPlan> PlanAsync(string outline, CancellationToken cancellationToken = default);
}
