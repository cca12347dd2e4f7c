using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace SemanticGen.Services.Tests;

/// <summary>
/// FAKE of the Dapr sidecar's workflow API (the durabletask TaskHubSidecarService, gRPC) behind the REAL
/// DaprWorkflowClient: StartInstance / GetInstance / TerminateInstance over an in-memory set of instances; a start with
/// an id that exists is refused, as daprd refuses a second instance with the same id. It runs no workflow (no Dapr
/// runtime here): tests check what the orchestrator asks of the sidecar.
/// </summary>
public sealed class DaprWorkflowSidecarFakeForTests : HttpMessageHandler
{
    private readonly Dictionary<string, (string Name, string Input, OrchestrationStatus Status)> _instances = [];
    private readonly List<(string Method, string InstanceId, string? Token)> _calls = [];
    private int _hiddenLookups;

    /// <summary>Calls received, as (gRPC method, instance id, dapr-api-token).</summary>
    public IReadOnlyList<(string Method, string InstanceId, string? Token)> Calls
    {
        get
        {
            lock (_instances)
                return [.. _calls];
        }
    }

    /// <summary>When set, StartInstance fails with Unavailable (the sidecar cannot start workflows).</summary>
    public bool FailStarts { get; set; }

    /// <summary>The instance <paramref name="id"/>: workflow name, input JSON and status, or null.</summary>
    public (string Name, string Input, OrchestrationStatus Status)? Instance(string id)
    {
        lock (_instances)
            return _instances.TryGetValue(id, out var instance) ? instance : null;
    }

    /// <summary>An instance started by someone else.</summary>
    public void Add(string id, string name)
    {
        lock (_instances)
            _instances[id] = (name, "{}", OrchestrationStatus.Running);
    }

    /// <summary>The next <paramref name="count"/> GetInstance calls answer "no such instance" (a start racing the lookup).</summary>
    public void HideNextLookups(int count)
    {
        lock (_instances)
            _hiddenLookups = count;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var method = request.RequestUri!.AbsolutePath[(request.RequestUri.AbsolutePath.LastIndexOf('/') + 1)..];
        var token = request.Headers.TryGetValues("dapr-api-token", out var values) ? values.Single() : null;
        lock (_instances)
        {
            switch (method)
            {
                case "StartInstance":
                {
                    var start = GrpcFramesForTests.Parse(CreateInstanceRequest.Parser, body);
                    _calls.Add((method, start.InstanceId, token));
                    if (FailStarts)
                        return GrpcFramesForTests.Error(StatusCode.Unavailable, "connection refused");
                    if (_instances.ContainsKey(start.InstanceId))
                        return GrpcFramesForTests.Error(StatusCode.Unknown, $"an active workflow with ID '{start.InstanceId}' already exists");
                    _instances[start.InstanceId] = (start.Name, start.Input ?? "", OrchestrationStatus.Running);
                    return GrpcFramesForTests.Reply(new CreateInstanceResponse { InstanceId = start.InstanceId });
                }

                case "GetInstance":
                {
                    var get = GrpcFramesForTests.Parse(GetInstanceRequest.Parser, body);
                    _calls.Add((method, get.InstanceId, token));
                    if (_hiddenLookups > 0)
                    {
                        _hiddenLookups--;
                        return GrpcFramesForTests.Reply(new GetInstanceResponse { Exists = false });
                    }

                    return _instances.TryGetValue(get.InstanceId, out var instance)
                        ? GrpcFramesForTests.Reply(new GetInstanceResponse
                        {
                            Exists = true,
                            WorkflowState = new WorkflowState { InstanceId = get.InstanceId, Name = instance.Name, WorkflowStatus = instance.Status },
                        })
                        : GrpcFramesForTests.Reply(new GetInstanceResponse { Exists = false });
                }

                case "TerminateInstance":
                {
                    var terminate = GrpcFramesForTests.Parse(TerminateRequest.Parser, body);
                    _calls.Add((method, terminate.InstanceId, token));
                    if (_instances.TryGetValue(terminate.InstanceId, out var instance))
                        _instances[terminate.InstanceId] = instance with { Status = OrchestrationStatus.Terminated };
                    return GrpcFramesForTests.Reply(new TerminateResponse());
                }

                default:
                    _calls.Add((method, "", token));
                    return GrpcFramesForTests.Error(StatusCode.Unimplemented, $"the workflow fake does not implement {method}");
            }
        }
    }
}
