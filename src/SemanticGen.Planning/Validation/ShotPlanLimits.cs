namespace SemanticGen.Planning;

/// <summary>
/// What a valid plan may contain. Defaults allow 2 minutes of video: up to 64 shots of at most 10 s, 600 s in all
/// (a 60 s Shapes World story is 30 shots of 49/24 s).
/// </summary>
/// <param name="MaxShots">Most shots in a plan (at least one is always required).</param>
/// <param name="MaxShotSeconds">Longest allowed shot, in seconds.</param>
/// <param name="MaxTotalSeconds">Longest allowed plan, in seconds.</param>
public sealed record ShotPlanLimits(int MaxShots = 64, double MaxShotSeconds = 10, double MaxTotalSeconds = 600)
{
    /// <summary>The default limits.</summary>
    public static ShotPlanLimits Default { get; } = new();
}
