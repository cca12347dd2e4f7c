namespace SemanticGen.Services.Core.Stages;

/// <summary>A stage service answered a call with an error; the message names the app id, method, status and reply.</summary>
public sealed class StageInvocationException(string appId, string method, int statusCode, string reply)
    : Exception($"{appId}/{method} answered HTTP {statusCode}: {Shorten(reply)}")
{
    /// <summary>The HTTP status of the reply.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>True when retrying may help (5xx, 429, 408), false for a rejected request (other 4xx).</summary>
    public bool IsTransient => StatusCode is >= 500 or 429 or 408;

    private static string Shorten(string reply) => reply.Length <= 2000 ? reply : reply[..2000] + "…";
}
