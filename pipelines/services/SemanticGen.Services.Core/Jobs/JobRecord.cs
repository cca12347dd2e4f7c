namespace SemanticGen.Services.Core.Jobs;

/// <summary>A job as stored and as <c>GET /jobs/{id}</c> shows it.</summary>
/// <param name="Id">Job id (32 hex digits).</param>
/// <param name="Request">What was submitted.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Stage">The stage running or last run (e.g. "2/5 semantic generation"); null before start.</param>
/// <param name="Progress">Fraction done, 0–1.</param>
/// <param name="Error">Why it failed (terminal failures only).</param>
/// <param name="Result">What it produced (succeeded jobs only).</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Attempts">How many times a runner started it (more than 1 after a restart).</param>
public sealed record JobRecord(
    string Id,
    JobRequest Request,
    JobStatus Status,
    string? Stage,
    double Progress,
    string? Error,
    JobResult? Result,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Attempts = 0);
