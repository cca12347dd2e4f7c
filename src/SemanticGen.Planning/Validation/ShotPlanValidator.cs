using System.Globalization;

namespace SemanticGen.Planning;

/// <summary>
/// Checks a <see cref="ShotPlan"/> against <see cref="ShotPlanLimits"/>: 1..MaxShots shots, each with a non-empty
/// prompt and 0 &lt; duration ≤ MaxShotSeconds, and a total ≤ MaxTotalSeconds. Every error names the shot index and
/// field in the JSON form's terms, e.g. "shots[3].durationSeconds is 0; it must be &gt; 0".
/// </summary>
public static class ShotPlanValidator
{
    /// <summary>All problems of <paramref name="plan"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(ShotPlan plan, ShotPlanLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        limits ??= ShotPlanLimits.Default;
        var errors = new List<string>();
        if (plan.Shots.Count == 0)
            errors.Add($"shots is empty; a plan needs 1 to {limits.MaxShots} shots");
        else if (plan.Shots.Count > limits.MaxShots)
            errors.Add($"shots has {plan.Shots.Count} shots; at most {limits.MaxShots} are allowed");

        for (var i = 0; i < plan.Shots.Count; i++)
        {
            var shot = plan.Shots[i];
            if (shot is null)
            {
                errors.Add($"shots[{i}] is null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(shot.Prompt))
                errors.Add($"shots[{i}].prompt is empty");
            var seconds = shot.DurationSeconds;
            if (!double.IsFinite(seconds) || seconds <= 0)
                errors.Add($"shots[{i}].durationSeconds is {Format(seconds)}; it must be > 0");
            else if (seconds > limits.MaxShotSeconds)
                errors.Add($"shots[{i}].durationSeconds is {Format(seconds)}; at most {Format(limits.MaxShotSeconds)} s is allowed");
            if (shot.Continuity is null)
                errors.Add($"shots[{i}].continuity is null");
        }

        var total = plan.Shots.Where(shot => shot is not null && double.IsFinite(shot.DurationSeconds)).Sum(shot => shot.DurationSeconds);
        if (total > limits.MaxTotalSeconds)
            errors.Add($"the total duration is {Format(total)} s; at most {Format(limits.MaxTotalSeconds)} s is allowed");
        return errors;
    }

    /// <summary>Returns <paramref name="plan"/> when valid, else throws <see cref="InvalidShotPlanException"/> listing every problem.</summary>
    public static ShotPlan EnsureValid(ShotPlan plan, ShotPlanLimits? limits = null)
    {
        var errors = Validate(plan, limits);
        return errors.Count == 0 ? plan : throw new InvalidShotPlanException(errors);
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
