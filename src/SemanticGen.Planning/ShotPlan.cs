using System.Text.Json.Serialization;

namespace SemanticGen.Planning;

/// <summary>
/// An ordered list of shots played back to back. JSON form and schema: <see cref="ShotPlanJson"/>; limits:
/// <see cref="ShotPlanValidator"/>. Equality compares the shots in order.
/// </summary>
public sealed record ShotPlan
{
    /// <summary>A plan of <paramref name="shots"/> (copied; not validated here, see <see cref="ShotPlanValidator"/>).</summary>
    public ShotPlan(IReadOnlyList<Shot> shots)
    {
        ArgumentNullException.ThrowIfNull(shots);
        Shots = [.. shots];
    }

    /// <summary>The shots, in playback order.</summary>
    public IReadOnlyList<Shot> Shots { get; }

    /// <summary>Sum of the shot durations in seconds.</summary>
    [JsonIgnore]
    public double TotalDurationSeconds => Shots.Sum(shot => shot.DurationSeconds);

    /// <summary>Value equality over the shot sequence.</summary>
    public bool Equals(ShotPlan? other) => other is not null && Shots.SequenceEqual(other.Shots);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var shot in Shots)
            hash.Add(shot);
        return hash.ToHashCode();
    }
}
