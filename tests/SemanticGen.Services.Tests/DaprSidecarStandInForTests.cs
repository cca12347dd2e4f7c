using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SemanticGen.Services.Tests;

/// <summary>
/// TEST STAND-IN for daprd (no Dapr runtime can be installed here): a loopback HTTP server with the sidecar's
/// service-invocation route <c>/v1.0/invoke/{appId}/method/{method}</c>, forwarding each call to the app registered under
/// that id. Like daprd it refuses calls without the sidecar's API token (DAPR_API_TOKEN, header <c>dapr-api-token</c>)
/// and adds the app's token (APP_API_TOKEN) to the forwarded call. It records every invocation. It does NOT model
/// resiliency, mTLS, name resolution, pub/sub, state or workflows.
/// </summary>
public sealed class DaprSidecarStandInForTests : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string AppId, string Method)> _invocations = new();
    private readonly HttpClient _forward = new() { Timeout = TimeSpan.FromMinutes(5) };
    private readonly LoopbackApp _app;

    private DaprSidecarStandInForTests(LoopbackApp app) => _app = app;

    /// <summary>The sidecar's HTTP endpoint (what Orchestration:DaprHttpEndpoint / DAPR_HTTP_ENDPOINT names).</summary>
    public Uri Endpoint => _app.Client.BaseAddress!;

    /// <summary>Every invocation routed, in order.</summary>
    public IReadOnlyList<(string AppId, string Method)> Invocations => [.. _invocations];

    /// <summary>Registers the address of app <paramref name="appId"/>.</summary>
    public void Route(string appId, Uri address) => _apps[appId] = address;

    /// <summary>Starts the stand-in; callers must send <paramref name="daprApiToken"/>, apps receive <paramref name="appApiToken"/>.</summary>
    public static async Task<DaprSidecarStandInForTests> StartAsync(string daprApiToken, string appApiToken)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var web = builder.Build();
        DaprSidecarStandInForTests? sidecar = null;
        web.Map("/v1.0/invoke/{appId}/method/{**method}", async (HttpContext context, string appId, string method) =>
            await sidecar!.InvokeAsync(context, appId, method, daprApiToken, appApiToken));
        sidecar = new DaprSidecarStandInForTests(await LoopbackApp.StartAsync(web));
        return sidecar;
    }

    private async Task InvokeAsync(HttpContext context, string appId, string method, string daprApiToken, string appApiToken)
    {
        if (context.Request.Headers["dapr-api-token"].ToString() != daprApiToken)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!_apps.TryGetValue(appId, out var app))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError; // daprd: ERR_DIRECT_INVOKE
            await context.Response.WriteAsync($"no app '{appId}'");
            return;
        }

        _invocations.Enqueue((appId, method));
        using var call = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(app, method + context.Request.QueryString));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        call.Content = new ByteArrayContent(body.ToArray());
        if (context.Request.ContentType is { } type)
            call.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        call.Headers.Add("dapr-api-token", appApiToken);
        using var reply = await _forward.SendAsync(call, context.RequestAborted);
        context.Response.StatusCode = (int)reply.StatusCode;
        if (reply.Content.Headers.ContentType is { } replyType)
            context.Response.ContentType = replyType.ToString();
        await reply.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        _forward.Dispose();
        await _app.DisposeAsync();
    }
}
