using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SemanticGen.Planning.Tests;

/// <summary>
/// A stub of an OpenAI-compatible server at the HttpMessageHandler level: it answers each request with the next
/// queued reply (a file of <c>Recorded/</c>, or a delay that outlasts the client's timeout) and records every
/// request's URL and body. No network is used.
/// </summary>
internal sealed class RecordedOpenAiHandlerStub : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<CancellationToken, Task<HttpResponseMessage>>> _replies = new();

    /// <summary>Requests seen so far: (absolute URL, body).</summary>
    public List<(Uri Url, string Body)> Requests { get; } = [];

    /// <summary>Queues the body of <c>Recorded/<paramref name="file"/></c> as a 200 application/json reply.</summary>
    public RecordedOpenAiHandlerStub Reply(string file)
    {
        var body = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "SemanticGen.Planning.Tests", "Recorded", file));
        _replies.Enqueue(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }));
        return this;
    }

    /// <summary>Queues an error reply, e.g. 404 with an OpenAI-format error body.</summary>
    public RecordedOpenAiHandlerStub Status(HttpStatusCode status, string body)
    {
        _replies.Enqueue(_ => Task.FromResult(new HttpResponseMessage(status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }));
        return this;
    }

    /// <summary>Queues a reply that never comes: waits until the client gives up (its timeout cancels the request).</summary>
    public RecordedOpenAiHandlerStub Hang()
    {
        _replies.Enqueue(async cancellationToken =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("unreachable: the delay only ends by cancellation");
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
            Requests.Add((request.RequestUri!, body));
        if (!_replies.TryDequeue(out var reply))
            throw new InvalidOperationException($"RecordedOpenAiHandlerStub: no reply queued for request {Requests.Count}");
        return await reply(cancellationToken);
    }
}
