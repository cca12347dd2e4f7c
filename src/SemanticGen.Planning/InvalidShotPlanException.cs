namespace SemanticGen.Planning;

/// <summary>
/// A shot plan that is not valid JSON of the <see cref="ShotPlanJson.Schema"/>, or that breaks the
/// <see cref="ShotPlanLimits"/>. <see cref="Errors"/> lists every problem, each naming the shot index and field
/// (e.g. "shots[2].prompt is empty").
/// </summary>
public sealed class InvalidShotPlanException : FormatException
{
    /// <summary>A plan rejected for <paramref name="errors"/> (at least one).</summary>
    public InvalidShotPlanException(IReadOnlyList<string> errors, Exception? inner = null)
        : base(Describe(errors), inner) => Errors = errors;

    /// <summary>Every problem found, in order.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1 ? $"invalid shot plan: {errors[0]}" : $"invalid shot plan: {string.Join("; ", errors)}";
    }
}
