using System.Security.Cryptography;
using System.Text;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;
using static Lattice.Node.Tests.Wrpc.WrpcTestTypes;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// Raw NATS subscriptions acting as a wRPC server (as the protocol spec describes a wasmCloud provider)
/// and our client calling it: the subject, headers and bytes it sends, checked exactly.
/// </summary>
public sealed class WrpcRawServerSpec(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private static readonly WrpcFunction Upload = new("lattice:test/blob@0.1.0", "upload", [new ListType(WitType.U8)], [WitType.String]);

    [SkippableFact]
    public async Task Our_client_sends_the_spec_subject_headers_and_bytes_and_reads_the_spec_results()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server");
        const string subject = "default.kvredis.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft.get";
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject, queueGroup: "default.kvredis");
        await using var serverInbox = await RawInbox.SubscribeAsync(rawNats, "_INBOX.rawserver.>");
        await using var clientNats = await nats.ConnectAsync("client");
        await using var client = new WrpcClient(clientNats);
        const string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var call = client.InvokeAsync("default.kvredis", KvGet, [Str("bucket1"), Str("key")], WrpcHeaders.Create("kvcounter", "default", trace));

        var first = await invocations.NextAsync(subject);
        Assert.Equal("07627563" + "6b657431036b6579", ToHex(first.Data!));
        Assert.Matches(@"^_INBOX\.[0-9a-f]+\.[0-9a-f]+$", first.ReplyTo);
        Assert.Equal("kvcounter", first.Headers![WrpcHeaders.SourceId].ToString());
        Assert.Equal("default", first.Headers[WrpcHeaders.LinkName].ToString());
        Assert.Equal(trace, first.Headers[WrpcHeaders.TraceParent].ToString());
        Assert.Equal(3, first.Headers.Count);

        const string rs = "_INBOX.rawserver.1";
        await rawNats.PublishAsync(first.ReplyTo!, replyTo: rs);
        var (rest, messages) = await serverInbox.ReadToEndAsync(rs + ".params");
        Assert.Empty(rest);
        Assert.Single(messages); // just the end of the params

        // ok(some("value")), split across two messages: boundaries mean nothing.
        await rawNats.PublishAsync(first.ReplyTo + ".results", Hex("00 01 05 76"));
        await rawNats.PublishAsync(first.ReplyTo + ".results", Hex("61 6c 75 65"));
        await rawNats.PublishAsync(first.ReplyTo + ".results");

        var result = Assert.IsType<WitResult>((await call)[0]);
        Assert.True(result.IsOk);
        Assert.Equal("value", Encoding.UTF8.GetString(((WitOption)result.Payload!).Value!.AsBytes().Span));
    }

    [SkippableFact]
    public async Task Results_and_stream_data_that_arrive_before_the_handshake_are_kept_not_dropped()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server");
        var subject = HttpHandle.SubjectFor("default.rawhttp");
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject);
        await using var serverInbox = await RawInbox.SubscribeAsync(rawNats, "_INBOX.rawserver.>");
        await using var clientNats = await nats.ConnectAsync("client");
        await using var client = new WrpcClient(clientNats);

        var request = WitValue.Record(("body", WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty)), ("trailers", WrpcFuture.Ready(WitValue.None)),
            ("method", WitValue.Variant("get")), ("path-with-query", WitValue.Some(Str("/"))), ("scheme", WitValue.None), ("authority", WitValue.None),
            ("headers", WitValue.List([])));
        var calling = client.CallAsync("default.rawhttp", HttpHandle, [request]);

        var first = await invocations.NextAsync(subject);
        // body pending (00), trailers ready none (01 00), get, some("/"), none, none, no headers
        Assert.Equal("00010000" + "01012f" + "0000" + "00", ToHex(first.Data!));
        var rc = first.ReplyTo!;
        // Everything of the response goes out before the handshake.
        await rawNats.PublishAsync(rc + ".results.0.0", New().Str("hello").ToArray());
        await rawNats.PublishAsync(rc + ".results.0.0", Hex("00"));
        await rawNats.PublishAsync(rc + ".results.0.0");
        await rawNats.PublishAsync(rc + ".results.0.1", Hex("01 01 01 61 01 01 62"));
        await rawNats.PublishAsync(rc + ".results.0.1");
        await rawNats.PublishAsync(rc + ".results", Hex("00 00 00 c8 01 00"));
        await rawNats.PublishAsync(rc + ".results");
        const string rs = "_INBOX.rawserver.2";
        await rawNats.PublishAsync(rc, replyTo: rs);

        await using var call = await calling;
        var response = (WitRecord)((WitResult)call.Results[0]).Payload!;
        Assert.Equal(200u, (uint)((WitPrimitive)response["status"]).Bits);
        using var body = new MemoryStream();
        await using (var stream = call.OpenByteStream((WrpcStream)response["body"])) await stream.CopyToAsync(body);
        Assert.Equal("hello", Encoding.UTF8.GetString(body.ToArray()));
        Same(Trailers.Element!, WitValue.Some(WitValue.List([WitValue.Tuple(Str("a"), WitValue.List([WitValue.Bytes("b"u8.ToArray())]))])),
            (await call.ReadFutureAsync((WrpcFuture)response["trailers"]))!);

        // What the client sent after the handshake: the end of the params, and the empty body (end marker, end).
        Assert.Single((await serverInbox.ReadToEndAsync(rs + ".params")).Messages);
        Assert.Equal("00", ToHex((await serverInbox.ReadToEndAsync(rs + ".params.0.0")).Bytes));
        await call.ParamsSent;
    }

    [SkippableFact]
    public async Task A_stream_that_ends_without_its_end_marker_is_a_broken_stream_not_a_short_one()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server-cut");
        var subject = HttpHandle.SubjectFor("default.rawcut");
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject);
        await using var clientNats = await nats.ConnectAsync("client-cut");
        await using var client = new WrpcClient(clientNats);

        var request = WitValue.Record(("body", WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty)), ("trailers", WrpcFuture.Ready(WitValue.None)),
            ("method", WitValue.Variant("get")), ("path-with-query", WitValue.Some(Str("/"))), ("scheme", WitValue.None), ("authority", WitValue.None),
            ("headers", WitValue.List([])));
        var calling = client.CallAsync("default.rawcut", HttpHandle, [request]);
        var rc = (await invocations.NextAsync(subject)).ReplyTo!;
        await rawNats.PublishAsync(rc, replyTo: "_INBOX.rawcut.2");
        await rawNats.PublishAsync(rc + ".results", Hex("00 00 00 c8 01 00"));
        await rawNats.PublishAsync(rc + ".results");
        // One chunk, then the subject closes without the empty chunk (00): how a Rust peer that failed ends it.
        await rawNats.PublishAsync(rc + ".results.0.0", New().Str("half a bo").ToArray());
        await rawNats.PublishAsync(rc + ".results.0.0");

        await using var call = await calling;
        var response = (WitRecord)((WitResult)call.Results[0]).Payload!;
        await using var stream = call.OpenByteStream((WrpcStream)response["body"]);
        var e = await Assert.ThrowsAsync<WrpcRemoteException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("ended before its end marker", e.Message);
    }

    [SkippableFact]
    public async Task The_first_message_is_cut_at_max_payload_minus_reply_and_headers_and_the_rest_follows_in_max_payload_messages()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server");
        var subject = Upload.SubjectFor("default.rawblob");
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject);
        await using var serverInbox = await RawInbox.SubscribeAsync(rawNats, "_INBOX.rawserver.>");
        await using var clientNats = await nats.ConnectAsync("client");
        await using var client = new WrpcClient(clientNats);

        var data = RandomNumberGenerator.GetBytes(200_000);
        var headers = new NatsHeaders { ["source-id"] = "uploader", ["link-name"] = "blobs" };
        var call = client.InvokeAsync("default.rawblob", Upload, [WitValue.Bytes(data)], headers);

        var first = await invocations.NextAsync(subject);
        // Counted as the spec says: "NATS/1.0\r\n" + "\r\n" + each "key: value\r\n".
        var headerBytes = 10 + 2 + ("source-id".Length + 2 + "uploader".Length + 2) + ("link-name".Length + 2 + "blobs".Length + 2);
        Assert.Equal(nats.MaxPayload - first.ReplyTo!.Length - headerBytes, first.Data!.Length);

        const string rs = "_INBOX.rawserver.3";
        await rawNats.PublishAsync(first.ReplyTo, replyTo: rs);
        var (rest, messages) = await serverInbox.ReadToEndAsync(rs + ".params");
        Assert.All(messages[..^2], m => Assert.Equal(nats.MaxPayload, m.Data!.Length));
        Assert.InRange(messages[^2].Data!.Length, 1, nats.MaxPayload);
        Assert.Equal(ToHex(New().Bytes(data).ToArray()), ToHex([.. first.Data, .. rest]));

        await rawNats.PublishAsync(first.ReplyTo + ".results", New().Str("stored").ToArray());
        await rawNats.PublishAsync(first.ReplyTo + ".results");
        Assert.Equal("stored", (await call)[0].AsString());
    }

    [SkippableFact]
    public async Task Results_cut_short_are_a_remote_error_carrying_the_servers_reason_when_it_gave_one()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server");
        var subject = Upload.SubjectFor("default.rawshort");
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject);
        await using var clientNats = await nats.ConnectAsync("client");
        await using var client = new WrpcClient(clientNats);

        var call = client.InvokeAsync("default.rawshort", Upload, [WitValue.Bytes(new byte[] { 1, 2 })]);
        var first = await invocations.NextAsync(subject);
        await rawNats.PublishAsync(first.ReplyTo!, replyTo: "_INBOX.rawserver.4");
        await rawNats.PublishAsync(first.ReplyTo + ".results", Hex("05 61 62"));
        await rawNats.PublishAsync(first.ReplyTo + ".results");
        var e = await Assert.ThrowsAsync<WrpcRemoteException>(() => call);
        Assert.True(e.Message.Contains("ended its results early: results: the stream ended 3 byte(s) into the value (it needs at least 6)"), e.Message);

        call = client.InvokeAsync("default.rawshort", Upload, [WitValue.Bytes(new byte[] { 1, 2 })]);
        first = await invocations.NextAsync(subject);
        await rawNats.PublishAsync(first.ReplyTo!, replyTo: "_INBOX.rawserver.5");
        await rawNats.PublishAsync(first.ReplyTo + ".results", headers: new NatsHeaders { [WrpcHeaders.Error] = "disk full" });
        e = await Assert.ThrowsAsync<WrpcRemoteException>(() => call);
        Assert.EndsWith("failed: disk full", e.Message);

        // Results that are not the declared type: a protocol error, not a hang.
        call = client.InvokeAsync("default.rawshort", Upload, [WitValue.Bytes(new byte[] { 1, 2 })]);
        first = await invocations.NextAsync(subject);
        await rawNats.PublishAsync(first.ReplyTo!, replyTo: "_INBOX.rawserver.6");
        await rawNats.PublishAsync(first.ReplyTo + ".results", Hex("02 ff fe"));
        var bad = await Assert.ThrowsAsync<WrpcProtocolException>(() => call);
        Assert.Contains("do not decode: results[0]: invalid UTF-8", bad.Message);
    }

    [SkippableFact]
    public async Task A_streamed_param_goes_out_on_its_path_as_chunks_then_the_end_marker()
    {
        var nats = fixture.Require();
        await using var rawNats = await nats.ConnectAsync("raw-server");
        var subject = HttpHandle.SubjectFor("default.rawpost");
        await using var invocations = await RawInbox.SubscribeAsync(rawNats, subject);
        await using var serverInbox = await RawInbox.SubscribeAsync(rawNats, "_INBOX.rawserver.>");
        await using var clientNats = await nats.ConnectAsync("client");
        await using var client = new WrpcClient(clientNats);

        var body = RandomNumberGenerator.GetBytes(300_000);
        var request = WitValue.Record(("body", WrpcOutgoing.Bytes(new MemoryStream(body))),
            ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.Some(WitValue.List([Header("x-t", "v")]))))),
            ("method", WitValue.Variant("post")), ("path-with-query", WitValue.None), ("scheme", WitValue.None), ("authority", WitValue.None),
            ("headers", WitValue.List([])));
        var calling = client.CallAsync("default.rawpost", HttpHandle, [request]);

        var first = await invocations.NextAsync(subject);
        Assert.Equal("0000" + "02" + "000000" + "00", ToHex(first.Data!));
        const string rs = "_INBOX.rawserver.7";
        await rawNats.PublishAsync(first.ReplyTo!, replyTo: rs);
        var (streamed, messages) = await serverInbox.ReadToEndAsync(rs + ".params.0.0");
        Assert.All(messages, m => Assert.InRange(m.Data?.Length ?? 0, 0, nats.MaxPayload));
        Assert.Equal(body, WrpcSpecClientSpec.Unchunk(streamed));
        Assert.Equal(ToHex(New().Byte(1).U(1).Str("x-t").U(1).Bytes("v"u8.ToArray()).ToArray()), ToHex((await serverInbox.ReadToEndAsync(rs + ".params.0.1")).Bytes));

        // err(internal-error(some("nope"))): error-code case 38.
        await rawNats.PublishAsync(first.ReplyTo + ".results", New().Byte(1).U(38).Byte(1).Str("nope").ToArray());
        await rawNats.PublishAsync(first.ReplyTo + ".results");
        await using var call = await calling;
        var error = (WitVariant)((WitResult)call.Results[0]).Payload!;
        Assert.Equal("internal-error", error.Case);
        Assert.Equal("nope", ((WitOption)error.Payload!).Value!.AsString());
        Assert.False(call.HasPendingResults);
        await call.ParamsSent;
    }
}
