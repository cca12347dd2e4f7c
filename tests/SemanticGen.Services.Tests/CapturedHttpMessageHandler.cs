using System.Net;

namespace SemanticGen.Services.Tests;

/// <summary>
/// CAPTURED HttpMessageHandler for tests at an SDK boundary (Dapr sidecar, LLM endpoint): records every request with its
/// body, and answers each with <c>reply</c> (no network). Requests are snapshotted when sent: the Dapr SDK's
/// InvocationHandler puts the original URI back on the request object afterwards.
/// </summary>
public sealed class CapturedHttpMessageHandler(Func<HttpRequestMessage, byte[], HttpResponseMessage> reply) : HttpMessageHandler
{
    private readonly List<(Captured Request, byte[] Body)> _requests = [];

    /// <summary>A request as it was sent.</summary>
    public sealed record Captured(HttpMethod Method, Uri RequestUri, IReadOnlyDictionary<string, string[]> Headers)
    {
        public IEnumerable<string> Header(string name) => Headers.TryGetValue(name, out var values) ? values : [];
    }

    /// <summary>Requests seen, in order, with their bodies.</summary>
    public IReadOnlyList<(Captured Request, byte[] Body)> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (_requests)
            _requests.Add((new Captured(request.Method, request.RequestUri!,
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase)), body));
        return reply(request, body);
    }
}
