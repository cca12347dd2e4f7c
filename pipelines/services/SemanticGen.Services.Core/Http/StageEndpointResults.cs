using Microsoft.AspNetCore.Http;
using SemanticGen.Services.Core.Artifacts;

namespace SemanticGen.Services.Core.Http;

/// <summary>Runs a stage endpoint's body, turning caller mistakes (bad paths, invalid requests) into ProblemDetails 400.</summary>
public static class StageEndpointResults
{
    /// <summary>Runs <paramref name="body"/>; <see cref="ArgumentException"/> (including <see cref="ArtifactPathException"/>) → 400.</summary>
    public static async Task<IResult> RunAsync(Func<Task<IResult>> body, string field)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [error.ParamName ?? field] = [error.Message] });
        }
    }
}
