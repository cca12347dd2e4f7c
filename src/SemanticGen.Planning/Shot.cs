namespace SemanticGen.Planning;

/// <summary>
/// One shot of a <see cref="ShotPlan"/>: the text the generators are conditioned on for this shot, how long it lasts,
/// and what must persist from the shots around it.
/// </summary>
/// <param name="Prompt">The shot's own prompt, e.g. "a red circle moves right on a gray background".</param>
/// <param name="DurationSeconds">Length of the shot in seconds (&gt; 0); a Shapes World shot is 49 frames at 24 fps.</param>
/// <param name="Continuity">What carries over between shots (subject, background, free notes).</param>
public sealed record Shot(string Prompt, double DurationSeconds, ShotContinuity Continuity);
