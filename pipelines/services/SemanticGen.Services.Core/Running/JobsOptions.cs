namespace SemanticGen.Services.Core.Running;

/// <summary>The embedded job runner (configuration section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Jobs";

    /// <summary>Most jobs accepted and not yet finished; a submission beyond it is refused (HTTP 429).</summary>
    public int QueueCapacity { get; set; } = 16;

    /// <summary>Jobs run at the same time.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Seconds a refused client is told to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>The SQLite file; default <c>{Artifacts:Root}/jobs.db</c>.</summary>
    public string? Database { get; set; }
}
