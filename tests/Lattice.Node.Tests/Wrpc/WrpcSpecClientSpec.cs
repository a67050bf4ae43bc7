using System.Text;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;
using static Lattice.Node.Tests.Wrpc.WrpcTestTypes;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// A wRPC client written in the test from the protocol spec (§1.2, §1.7, §1.8), with raw NATS and its
/// own tiny encoder, calling our server: what a wasmCloud host or provider would send, byte for byte.
/// </summary>
public sealed class WrpcSpecClientSpec(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private const string KvPrefix = "default.kvredis";
    private const string HttpPrefix = "default.http_hello";

    private static WrpcExport KvExport() => new(KvGet, (call, _) => Results(call.Params[1].AsString() switch
    {
        "key" => WitValue.Ok(WitValue.Some(WitValue.Bytes("value"u8.ToArray()))),
        "missing" => WitValue.Ok(WitValue.None),
        _ => WitValue.Err(WitValue.Variant("other", Str("x"))),
    }));

    private static WrpcExport HttpExport(TaskCompletionSource<string> seen) => new(HttpHandle, async (call, ct) =>
    {
        var request = (WitRecord)call.Params[0];
        using var body = new MemoryStream();
        await using (var stream = call.OpenByteStream((WrpcStream)request["body"])) await stream.CopyToAsync(body, ct);
        var trailers = await call.ReadFutureAsync((WrpcFuture)request["trailers"], ct);
        var method = ((WitVariant)request["method"]).Case;
        var path = ((WitOption)request["path-with-query"]).Value!.AsString();
        var authority = ((WitOption)request["authority"]).Value!.AsString();
        seen.TrySetResult($"{method} {path} {authority} trailers={((WitOption)trailers!).IsSome} body={Encoding.UTF8.GetString(body.ToArray())}");
        var response = WitValue.Record(("body", WrpcOutgoing.Bytes(Encoding.UTF8.GetBytes("hello " + Encoding.UTF8.GetString(body.ToArray())))),
            ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None))), ("status", WitValue.U16(200)),
            ("headers", WitValue.List([Header("content-type", "text/plain")])));
        return [WitValue.Ok(response)];
    });

    [SkippableFact]
    public async Task A_spec_client_gets_keyvalue_get_results_byte_for_byte()
    {
        var nats = fixture.Require();
        await using var serverNats = await nats.ConnectAsync();
        await using var server = new WrpcServer(serverNats);
        await using var serving = await server.ServeAsync(KvPrefix, [KvExport()], queueGroup: KvPrefix);
        await using var clientNats = await nats.ConnectAsync();
        await using var inbox = await RawInbox.SubscribeAsync(clientNats, "_INBOX.specclient.>");
        const string subject = "default.kvredis.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft.get";
        Assert.Equal([subject], serving.Subjects);

        async Task<(string Hex, NatsHeaders? EndHeaders)> GetAsync(string rc, byte[] payload)
        {
            var headers = new NatsHeaders { ["source-id"] = "kvcounter", ["link-name"] = "default" };
            await clientNats.PublishAsync(subject, payload, headers, replyTo: rc);
            var handshake = await inbox.NextAsync(rc);
            Assert.True(handshake.Data is null or { Length: 0 });
            Assert.StartsWith("_INBOX.", handshake.ReplyTo);
            await clientNats.PublishAsync(handshake.ReplyTo + ".params"); // all params were in the first message
            var (results, messages) = await inbox.ReadToEndAsync(rc + ".results");
            return (ToHex(results), messages[^1].Headers);
        }

        Assert.Equal("00010576616c7565", (await GetAsync("_INBOX.specclient.a1", Hex("07 62 75 63 6b 65 74 31 03 6b 65 79"))).Hex);
        Assert.Equal("0000", (await GetAsync("_INBOX.specclient.a2", New().Str("bucket1").Str("missing").ToArray())).Hex);
        Assert.Equal("01020178", (await GetAsync("_INBOX.specclient.a3", New().Str("bucket1").Str("other").ToArray())).Hex);

        // Params that do not decode: no results, an end message with one clear line.
        var (hex, end) = await GetAsync("_INBOX.specclient.a4", Hex("07 62 75"));
        Assert.Equal("", hex);
        Assert.True(end!.TryGetLastValue(WrpcHeaders.Error, out var error));
        Assert.True(error!.StartsWith("bad params for wrpc:keyvalue/store@0.2.0-draft.get: params: the stream ended 3 byte(s) into the value (it needs at least 8)"), error);
        (hex, end) = await GetAsync("_INBOX.specclient.a5", Hex("01 ff 01 61"));
        Assert.Equal("", hex);
        Assert.Contains("params[0]: invalid UTF-8 (at byte 1)", end![WrpcHeaders.Error].ToString());
    }

    [SkippableFact]
    public async Task A_spec_client_calls_http_handle_with_the_spec_example_and_reads_the_spec_response()
    {
        var nats = fixture.Require();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var serverNats = await nats.ConnectAsync();
        await using var server = new WrpcServer(serverNats);
        await using var serving = await server.ServeAsync(HttpPrefix, [HttpExport(seen)], queueGroup: HttpPrefix);
        await using var clientNats = await nats.ConnectAsync();
        await using var inbox = await RawInbox.SubscribeAsync(clientNats, "_INBOX.specclient.>");
        const string rc = "_INBOX.specclient.h1";

        await clientNats.PublishAsync("default.http_hello.wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle",
            Hex("00 00 00 01 06 2f 68 65 6c 6c 6f 01 00 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30 01 04 68 6f 73 74 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30"),
            replyTo: rc);
        var rs = (await inbox.NextAsync(rc)).ReplyTo!;
        await clientNats.PublishAsync(rs + ".params");
        await clientNats.PublishAsync(rs + ".params.0.0", Hex("02 68 69"));
        await clientNats.PublishAsync(rs + ".params.0.0", Hex("00"));
        await clientNats.PublishAsync(rs + ".params.0.0");
        await clientNats.PublishAsync(rs + ".params.0.1", Hex("00"));
        await clientNats.PublishAsync(rs + ".params.0.1");

        var (results, _) = await inbox.ReadToEndAsync(rc + ".results");
        Assert.Equal("000000c801010c636f6e74656e742d74797065010a746578742f706c61696e", ToHex(results));
        var (body, _) = await inbox.ReadToEndAsync(rc + ".results.0.0");
        Assert.Equal("hello hi", Encoding.UTF8.GetString(Unchunk(body)));
        var (trailers, _) = await inbox.ReadToEndAsync(rc + ".results.0.1");
        Assert.Equal("00", ToHex(trailers));
        Assert.Equal("get /hello localhost:8080 trailers=False body=hi", await seen.Task);
    }

    [SkippableFact]
    public async Task Params_in_one_byte_messages_and_async_data_sent_before_them_still_decode()
    {
        var nats = fixture.Require();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var serverNats = await nats.ConnectAsync();
        await using var server = new WrpcServer(serverNats);
        await using var serving = await server.ServeAsync(HttpPrefix, [HttpExport(seen)]);
        await using var clientNats = await nats.ConnectAsync();
        await using var inbox = await RawInbox.SubscribeAsync(clientNats, "_INBOX.specclient.>");
        const string rc = "_INBOX.specclient.h2";
        var request = New().Byte(0, 0).U(2).Byte(0x01).Str("/upload").Byte(1, 1).Byte(1).Str("example.com").U(0).ToArray(); // post, HTTPS, no headers

        await clientNats.PublishAsync("default.http_hello.wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle", request[..1], replyTo: rc);
        var rs = (await inbox.NextAsync(rc)).ReplyTo!;
        // The body and trailers go first, before the sync params are even complete.
        foreach (var chunk in new[] { New().Str("abc").ToArray(), New().Str("defg").ToArray(), Hex("00") })
            await clientNats.PublishAsync(rs + ".params.0.0", chunk);
        await clientNats.PublishAsync(rs + ".params.0.0");
        await clientNats.PublishAsync(rs + ".params.0.1", New().Byte(1).U(1).Str("x-sum").U(1).Bytes("1"u8.ToArray()).ToArray());
        await clientNats.PublishAsync(rs + ".params.0.1");
        foreach (var b in request[1..]) await clientNats.PublishAsync(rs + ".params", new[] { b });
        await clientNats.PublishAsync(rs + ".params");

        var (results, _) = await inbox.ReadToEndAsync(rc + ".results");
        Assert.StartsWith("000000c801", ToHex(results));
        var (body, _) = await inbox.ReadToEndAsync(rc + ".results.0.0");
        Assert.Equal("hello abcdefg", Encoding.UTF8.GetString(Unchunk(body)));
        Assert.Equal("post /upload example.com trailers=True body=abcdefg", await seen.Task);
    }

    /// <summary>A stream&lt;u8&gt; on its path: chunks (count + bytes) up to the empty end chunk.</summary>
    internal static byte[] Unchunk(byte[] stream)
    {
        var bytes = new List<byte>();
        var at = 0;
        while (true)
        {
            var count = (int)ReadU32(stream, ref at);
            if (count == 0)
            {
                Assert.Equal(stream.Length, at); // nothing after the end marker
                return [.. bytes];
            }
            bytes.AddRange(stream.AsSpan(at, count).ToArray());
            at += count;
        }
    }
}
