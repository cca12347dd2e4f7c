using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SemanticGen.Services.Tests;

/// <summary>A service app started on real Kestrel at 127.0.0.1:0, with an HttpClient on its address.</summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private LoopbackApp(WebApplication app, Uri address)
    {
        App = app;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Arguments for a service on a free loopback port with <paramref name="settings"/> (key=value).</summary>
    public static string[] Args(params string[] settings) => ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", .. settings.SelectMany(s => new[] { "--" + s.Split('=', 2)[0], s.Split('=', 2)[1] })];

    public static async Task<LoopbackApp> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
