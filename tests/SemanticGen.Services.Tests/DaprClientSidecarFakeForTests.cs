using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace SemanticGen.Services.Tests;

/// <summary>
/// FAKE of the Dapr sidecar's state API (and a recorder of its pub/sub API) at the gRPC boundary, behind the REAL <see cref="DaprClient"/> (whose channel
/// ends in this handler): GetState / SaveState over an in-memory dictionary with ETag semantics as daprd's state stores
/// have them (every write gets a new ETag; a write carrying a non-empty ETag that is not the key's current one is refused
/// with gRPC Aborted, which the SDK's TrySave… reports as false; a write without one is unconditional).
/// <see cref="BeforeNextWrite"/> lets a test run another writer between a client's read and its write. (A fake at this
/// level rather than a DaprClient subclass: DaprClient has 64 abstract members, and this way the SDK's own ETag
/// handling is part of what is tested.)
/// </summary>
public sealed class DaprClientSidecarFakeForTests : HttpMessageHandler
{
    private readonly Dictionary<(string Store, string Key), (ByteString Value, long Version)> _state = [];
    private readonly Queue<Func<Task>> _beforeWrites = new();
    private long _versions;

    private readonly List<(string PubSub, string Topic, string Data)> _published = [];

    /// <summary>Events published, as (pub/sub component, topic, JSON data).</summary>
    public IReadOnlyList<(string PubSub, string Topic, string Data)> Published
    {
        get
        {
            lock (_state)
                return [.. _published];
        }
    }

    /// <summary>Writes accepted and refused (ETag mismatch).</summary>
    public int Writes { get; private set; }

    /// <summary>Writes refused because their ETag was stale.</summary>
    public int Conflicts { get; private set; }

    /// <summary>When set, every conditional write is refused (a store under constant contention).</summary>
    public bool RefuseEveryConditionalWrite { get; set; }

    /// <summary>A real DaprClient whose gRPC channel ends in this fake.</summary>
    public DaprClient Client() => new DaprClientBuilder()
        .UseGrpcEndpoint("http://127.0.0.1:50992")
        .UseGrpcChannelOptions(new GrpcChannelOptions { HttpHandler = this, DisposeHttpClient = false })
        .Build();

    /// <summary>Runs <paramref name="writer"/> just before the next write request is applied (one write each).</summary>
    public void BeforeNextWrite(Func<Task> writer)
    {
        lock (_state)
            _beforeWrites.Enqueue(writer);
    }

    /// <summary>The stored value (UTF-8) of <paramref name="key"/> in <paramref name="store"/>, or null.</summary>
    public string? Value(string store, string key)
    {
        lock (_state)
            return _state.TryGetValue((store, key), out var entry) ? entry.Value.ToStringUtf8() : null;
    }

    /// <summary>Every key stored, as (store, key).</summary>
    public IReadOnlyList<(string Store, string Key)> Keys
    {
        get
        {
            lock (_state)
                return [.. _state.Keys];
        }
    }

    /// <summary>Writes <paramref name="value"/> directly (another writer), giving the key a new ETag.</summary>
    public void Put(string store, string key, string value)
    {
        lock (_state)
            _state[(store, key)] = (ByteString.CopyFromUtf8(value), ++_versions);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var method = request.RequestUri!.AbsolutePath;
        if (method.EndsWith("/GetState", StringComparison.Ordinal))
        {
            var get = GrpcFramesForTests.Parse(GetStateRequest.Parser, body);
            lock (_state)
            {
                return _state.TryGetValue((get.StoreName, get.Key), out var entry)
                    ? GrpcFramesForTests.Reply(new GetStateResponse { Data = entry.Value, Etag = Etag(entry.Version) })
                    : GrpcFramesForTests.Reply(new GetStateResponse());
            }
        }

        if (method.EndsWith("/SaveState", StringComparison.Ordinal))
        {
            var save = GrpcFramesForTests.Parse(SaveStateRequest.Parser, body);
            Func<Task>? before;
            lock (_state)
                _beforeWrites.TryDequeue(out before);
            if (before is not null)
                await before();
            lock (_state)
            {
                foreach (var item in save.States)
                {
                    Writes++;
                    var conditional = item.Etag is { Value.Length: > 0 };
                    var current = _state.TryGetValue((save.StoreName, item.Key), out var entry) ? Etag(entry.Version) : null;
                    if (conditional && (RefuseEveryConditionalWrite || item.Etag.Value != current))
                    {
                        Conflicts++;
                        return GrpcFramesForTests.Error(StatusCode.Aborted,
                            $"failed saving state in state store {save.StoreName}: possible etag mismatch. error from state store: ERR Error running script");
                    }
                }

                foreach (var item in save.States)
                    _state[(save.StoreName, item.Key)] = (item.Value, ++_versions);
            }

            return GrpcFramesForTests.Reply(new Google.Protobuf.WellKnownTypes.Empty());
        }

        if (method.EndsWith("/PublishEvent", StringComparison.Ordinal))
        {
            var publish = GrpcFramesForTests.Parse(PublishEventRequest.Parser, body);
            lock (_state)
                _published.Add((publish.PubsubName, publish.Topic, publish.Data.ToStringUtf8()));
            return GrpcFramesForTests.Reply(new Google.Protobuf.WellKnownTypes.Empty());
        }

        return GrpcFramesForTests.Error(StatusCode.Unimplemented, $"the state fake does not implement {method}");
    }

    private static string Etag(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
