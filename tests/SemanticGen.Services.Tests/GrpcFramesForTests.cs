using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;

namespace SemanticGen.Services.Tests;

/// <summary>gRPC over HTTP/2 framing for the sidecar fakes: one length-prefixed message per unary request and reply.</summary>
public static class GrpcFramesForTests
{
    /// <summary>The message of a unary request body (5-byte prefix: compressed flag, big-endian length).</summary>
    public static T Parse<T>(MessageParser<T> parser, byte[] body) where T : IMessage<T> =>
        parser.ParseFrom(body.AsSpan(5, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1, 4))).ToArray());

    /// <summary>An OK reply carrying <paramref name="message"/>.</summary>
    public static HttpResponseMessage Reply(IMessage message)
    {
        var bytes = message.ToByteArray();
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1, 4), bytes.Length);
        bytes.CopyTo(frame, 5);
        return Response(frame, StatusCode.OK, null);
    }

    /// <summary>An error reply (no message, status in the trailers).</summary>
    public static HttpResponseMessage Error(StatusCode status, string message) => Response([], status, message);

    private static HttpResponseMessage Response(byte[] frame, StatusCode status, string? message)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = new Version(2, 0), Content = new ByteArrayContent(frame) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (message is not null)
            response.TrailingHeaders.Add("grpc-message", message);
        return response;
    }
}
