using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SemanticGen.Services.Core.Http;

/// <summary>
/// Dapr app API token authentication: when a token is configured, every request except <c>/healthz</c> must carry it in
/// the <c>dapr-api-token</c> header (Dapr adds it to calls into the app when APP_API_TOKEN is set). Compared in constant
/// time; a missing or wrong token is 401 ProblemDetails.
/// </summary>
public sealed class AppApiTokenMiddleware(RequestDelegate next, string token)
{
    /// <summary>The header Dapr sends the app token in.</summary>
    public const string HeaderName = "dapr-api-token";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Checks the token, then calls the next middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.StartsWithSegments("/healthz") || Matches(context.Request.Headers[HeaderName].ToString()))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(
            title: "Unauthorized",
            detail: $"missing or wrong {HeaderName} header.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context).ConfigureAwait(false);
    }

    private bool Matches(string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        // FixedTimeEquals is constant-time for equal lengths; hashing first also hides the expected length.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes), SHA256.HashData(_expected))
               && bytes.Length == _expected.Length;
    }
}
