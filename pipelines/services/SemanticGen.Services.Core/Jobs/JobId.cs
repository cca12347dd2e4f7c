namespace SemanticGen.Services.Core.Jobs;

/// <summary>Job ids: 32 lowercase hex digits, so they are safe as folder names and URL segments.</summary>
public static class JobId
{
    /// <summary>A new random id.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>True when <paramref name="id"/> has the shape of a job id.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
