using System.Text;
using Lattice.Node.Bridge.Http;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Node.Tests.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A `lattice up --nats` host serves components that export wasi:http/incoming-handler as
/// `wrpc:http/incoming-handler@0.1.0.handle`, as a wasmCloud 1.x host does (protocol spec §1.8).
/// A client written from the spec (raw NATS, its own bytes) and our WrpcClient call demo/http-hello,
/// the http-echo fixture (the body streams back through a nats-server with a 32 KiB max_payload)
/// and http-fail (a guest error is err(error-code), a trap fails the invocation, and the host goes on).
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class WrpcHttpServingSpec(HttpServingHost fixture) : IClassFixture<HttpServingHost>
{
    private const string Handle = "wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle";

    /// <summary>§1.8's first payload: GET /hello, scheme HTTP, authority and host localhost:8080, body and trailers pending.</summary>
    private const string GetHello = "00 00 00 01 06 2f 68 65 6c 6c 6f 01 00 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30 01 04 68 6f 73 74 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30";

    /// <summary>§1.8's results: ok, body pending, trailers pending, status 200, content-type: text/plain.</summary>
    private const string OkTextPlain = "00 00 00 c8 01 01 0c 63 6f 6e 74 65 6e 74 2d 74 79 70 65 01 0a 74 65 78 74 2f 70 6c 61 69 6e";

    [SkippableFact]
    public async Task A_spec_client_gets_the_hello_response_byte_for_byte()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("http-spec-get");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.httpget.>");
        const string rc = "_INBOX.httpget.g1";

        await connection.PublishAsync($"default.hello.{Handle}", Hex(GetHello), replyTo: rc);
        var handshake = await inbox.NextAsync(rc, 30);
        Assert.True(handshake.Data is null or { Length: 0 });
        var rs = handshake.ReplyTo!;
        await connection.PublishAsync(rs + ".params");
        await EndBodyAsync(connection, rs);

        var (results, messages) = await inbox.ReadToEndAsync(rc + ".results", 30);
        Assert.False(messages[^1].Headers?.ContainsKey(WrpcHeaders.Error) ?? false, messages[^1].Headers?.ToString());
        Assert.Equal(ToHex(Hex(OkTextPlain)), ToHex(results));
        var (body, _) = await inbox.ReadToEndAsync(rc + ".results.0.0", 30);
        Assert.Equal("hello, world!\n", Encoding.ASCII.GetString(StreamBytes(body)));
        var (trailers, _) = await inbox.ReadToEndAsync(rc + ".results.0.1", 30);
        Assert.Equal("00", ToHex(trailers)); // none
    }

    [SkippableFact]
    public async Task A_spec_client_streams_a_4_MiB_body_to_the_echo_component_and_gets_it_back_in_chunks()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("http-spec-post");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.httppost.>");
        const string rc = "_INBOX.httppost.p1";
        var data = new byte[4 * 1024 * 1024 + 17];
        new Random(5).NextBytes(data);

        // post = 02; headers [("content-type", ["application/octet-stream"])].
        var first = New().Byte(0, 0, 2).Byte(1).Str("/echo?x=1").Byte(1, 0).Byte(1).Str("localhost:8080")
            .U(1).Str("content-type").U(1).Bytes(Encoding.ASCII.GetBytes("application/octet-stream")).ToArray();
        await connection.PublishAsync($"default.echo.{Handle}", first, replyTo: rc);
        var rs = (await inbox.NextAsync(rc, 30)).ReplyTo!;
        await connection.PublishAsync(rs + ".params");
        // The body as many list<u8> chunks, each one message below max_payload, then the end marker and the close.
        const int chunk = 20_000;
        var sent = 0;
        for (var at = 0; at < data.Length; at += chunk, sent++)
            await connection.PublishAsync(rs + ".params.0.0", New().Bytes(data[at..Math.Min(at + chunk, data.Length)]).ToArray());
        await EndBodyAsync(connection, rs);
        Assert.True(sent > 200, $"{sent} body messages");

        var (results, _) = await inbox.ReadToEndAsync(rc + ".results", 30);
        Assert.StartsWith("000000c801", ToHex(results));
        // The echo's headers: the request's own, then x-path.
        Assert.Contains(ToHex(New().Str("content-type").U(1).Bytes(Encoding.ASCII.GetBytes("application/octet-stream")).ToArray()), ToHex(results));
        Assert.Contains(ToHex(New().Str("x-path").U(1).Bytes(Encoding.ASCII.GetBytes("/echo?x=1")).ToArray()), ToHex(results));

        var (body, messages) = await inbox.ReadToEndAsync(rc + ".results.0.0", 60);
        Assert.True(messages.Count > data.Length / nats.MaxPayload, $"{messages.Count} body messages back");
        Assert.All(messages, m => Assert.True((m.Data?.Length ?? 0) <= nats.MaxPayload));
        Assert.Equal(data, StreamBytes(body));
        Assert.Equal("00", ToHex((await inbox.ReadToEndAsync(rc + ".results.0.1", 30)).Bytes));
    }

    [SkippableFact]
    public async Task A_guest_error_is_an_error_code_a_trap_fails_the_invocation_and_the_host_goes_on()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("http-spec-fail");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.httpfail.>");

        // response-outparam.set(err(internal-error(some("guest refuses")))): case 38 = 0x26.
        var (error, _) = await GetAsync(connection, inbox, "fail", "/error", "_INBOX.httpfail.e1");
        Assert.Equal(ToHex(New().Byte(1).U(38).Byte(1).Str("guest refuses").ToArray()), ToHex(error));

        // `unreachable` before a response: `Rc.results` ends without results, with our reason.
        var (trapped, messages) = await GetAsync(connection, inbox, "fail", "/trap", "_INBOX.httpfail.t1");
        Assert.Empty(trapped);
        var reason = messages[^1].Headers?[WrpcHeaders.Error].ToString();
        Assert.NotNull(reason);
        Assert.Contains("fail", reason);
        Assert.Contains("unreachable", reason, StringComparison.OrdinalIgnoreCase);

        // A trap after the response went out (202, "partial"): the body and the trailers end early, saying why.
        var (late, _) = await GetAsync(connection, inbox, "fail", "/late-trap", "_INBOX.httpfail.l1");
        Assert.StartsWith("000000ca01", ToHex(late));
        var (_, bodyMessages) = await inbox.ReadToEndAsync("_INBOX.httpfail.l1.results.0.0", 30);
        Assert.Contains("unreachable", bodyMessages[^1].Headers?[WrpcHeaders.Error].ToString() ?? "", StringComparison.OrdinalIgnoreCase);
        var (_, trailerMessages) = await inbox.ReadToEndAsync("_INBOX.httpfail.l1.results.0.1", 30);
        Assert.NotNull(trailerMessages[^1].Headers?[WrpcHeaders.Error].ToString());

        // The instance was recycled: the same component answers again, and so does another.
        var (ok, _) = await GetAsync(connection, inbox, "fail", "/ok", "_INBOX.httpfail.o1");
        Assert.StartsWith("000000c801", ToHex(ok));
        Assert.Equal("ok", Encoding.ASCII.GetString(StreamBytes((await inbox.ReadToEndAsync("_INBOX.httpfail.o1.results.0.0", 30)).Bytes)));
        var (hello, _) = await GetAsync(connection, inbox, "hello", "/", "_INBOX.httpfail.h1");
        Assert.Equal(ToHex(Hex(OkTextPlain)), ToHex(hello));
    }

    [SkippableFact]
    public async Task Our_client_streams_a_body_through_the_echo_and_reads_errors_as_values()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("http-wrpc-client");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var data = new byte[3 * 1024 * 1024 + 5];
        new Random(9).NextBytes(data);

        await using (var call = await client.CallAsync(WrpcSubjects.Prefix("default", "echo"), WrpcHttpTypes.Handle,
                         [Request("put", "/upload", WrpcOutgoing.Bytes(new MemoryStream(data)), ("x-test", "1"))]))
        {
            var result = (WitResult)call.Results[0];
            Assert.True(result.IsOk);
            var response = (WitRecord)result.Payload!;
            Assert.Equal(200UL, ((WitPrimitive)response["status"]).Bits);
            var headers = ((WitList)response["headers"]).Items.Cast<WitTuple>()
                .ToDictionary(t => t.Items[0].AsString(), t => Encoding.ASCII.GetString(((WitList)t.Items[1]).Items.Single().AsBytes().Span));
            Assert.Equal("1", headers["x-test"]);
            Assert.Equal("/upload", headers["x-path"]);
            using var back = new MemoryStream();
            await using (var body = call.OpenByteStream((WrpcStream)response["body"])) await body.CopyToAsync(back);
            Assert.Equal(data, back.ToArray());
            Assert.False(((WitOption)(await call.ReadFutureAsync((WrpcFuture)response["trailers"]))!).IsSome);
            await call.ParamsSent;
        }

        var prefix = WrpcSubjects.Prefix("default", "fail");
        var refused = (WitResult)(await client.InvokeAsync(prefix, WrpcHttpTypes.Handle, [Request("get", "/error", EmptyBody())])).Single();
        Assert.False(refused.IsOk);
        var code = (WitVariant)refused.Payload!;
        Assert.Equal("internal-error", code.Case);
        Assert.Equal("guest refuses", ((WitOption)code.Payload!).Value!.AsString());

        var trap = await Assert.ThrowsAsync<WrpcRemoteException>(() => client.InvokeAsync(prefix, WrpcHttpTypes.Handle, [Request("get", "/trap", EmptyBody())]));
        Assert.Contains("unreachable", trap.Message, StringComparison.OrdinalIgnoreCase);

        // An endless loop is stopped by the component's deadline: a timeout error, and the component answers again.
        var slow = WrpcSubjects.Prefix("default", "slow");
        var spun = (WitResult)(await client.InvokeAsync(slow, WrpcHttpTypes.Handle, [Request("get", "/spin", EmptyBody())])).Single();
        Assert.Equal("HTTP-response-timeout", ((WitVariant)spun.Payload!).Case);
        await using (var again = await client.CallAsync(slow, WrpcHttpTypes.Handle, [Request("get", "/ok", EmptyBody())]))
            Assert.True(((WitResult)again.Results[0]).IsOk);

        // A method that is not an HTTP token never reaches the component.
        var badMethod = (WitResult)(await client.InvokeAsync(prefix, WrpcHttpTypes.Handle,
            [Request("other", "/ok", EmptyBody(), method: "BAD METHOD")])).Single();
        Assert.Equal("HTTP-request-method-invalid", ((WitVariant)badMethod.Payload!).Case);
    }

    private static WrpcStream EmptyBody() => WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty);

    private static WitValue Request(string methodCase, string path, WrpcStream body, params (string Name, string Value)[] headers) =>
        Request(methodCase, path, body, null, headers);

    private static WitValue Request(string methodCase, string path, WrpcStream body, string? method, params (string Name, string Value)[] headers) =>
        WitValue.Record(
            ("body", body),
            ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None))),
            ("method", WitValue.Variant(methodCase, method is null ? null : WitValue.String(method))),
            ("path-with-query", WitValue.Some(WitValue.String(path))),
            ("scheme", WitValue.Some(WitValue.Variant("HTTP"))),
            ("authority", WitValue.Some(WitValue.String("localhost"))),
            ("headers", WitValue.List(headers.Select(h => WitValue.Tuple(WitValue.String(h.Name),
                WitValue.List([WitValue.Bytes(Encoding.ASCII.GetBytes(h.Value))]))).ToList())));

    /// <summary>A GET with an empty body, as the spec describes it; returns the results (to their end) and their messages.</summary>
    private static async Task<(byte[] Bytes, List<NatsMsg<byte[]>> Messages)> GetAsync(NatsConnection connection, RawInbox inbox,
        string componentId, string path, string rc)
    {
        var first = New().Byte(0, 0, 0).Byte(1).Str(path).Byte(1, 0).Byte(1).Str("localhost").U(0).ToArray();
        await connection.PublishAsync($"default.{componentId}.{Handle}", first, replyTo: rc);
        var rs = (await inbox.NextAsync(rc, 30)).ReplyTo!;
        await connection.PublishAsync(rs + ".params");
        await EndBodyAsync(connection, rs);
        return await inbox.ReadToEndAsync(rc + ".results", 30);
    }

    /// <summary>An empty (or finished) body: the end marker and the close on `params.0.0`; trailers none on `params.0.1`.</summary>
    private static async Task EndBodyAsync(NatsConnection connection, string rs)
    {
        await connection.PublishAsync(rs + ".params.0.0", new byte[] { 0 });
        await connection.PublishAsync(rs + ".params.0.0");
        await connection.PublishAsync(rs + ".params.0.1", new byte[] { 0 });
        await connection.PublishAsync(rs + ".params.0.1");
    }
}

/// <summary>
/// A nats-server with a 32 KiB max_payload and one `lattice up --nats` host running demo/http-hello as
/// `hello`, http-echo as `echo`, http-fail as `fail` and again as `slow` (1 s per call), all answering.
/// </summary>
public sealed class HttpServingHost : ServedHost
{
    public HttpServingHost() : base("http-serving-host", host =>
    {
        Ops.Json(host, "component", "start", "hello", Path.Combine(TestPaths.RepoRoot, "demo", "http-hello", "http-hello.wasm"));
        Ops.Json(host, "component", "start", "echo", TestPaths.Fixture("wat/http-echo.wasm"));
        Ops.Json(host, "component", "start", "fail", TestPaths.Fixture("wat/http-fail.wasm"));
        // The same component with a 1 s deadline per call, for /spin.
        Ops.Json(host, "component", "start", "slow", TestPaths.Fixture("wat/http-fail.wasm"), "--timeout", "1");
    }, maxPayload: 32 * 1024)
    {
        if (Nats is null) return;
        foreach (var id in (string[])["hello", "echo", "fail", "slow"])
            UntilServedAsync(async () =>
            {
                var request = WitValue.Record(("body", WrpcOutgoing.Bytes(ReadOnlyMemory<byte>.Empty)),
                    ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None))), ("method", WitValue.Variant("get")),
                    ("path-with-query", WitValue.Some(WitValue.String("/ok"))), ("scheme", WitValue.None),
                    ("authority", WitValue.Some(WitValue.String("localhost"))), ("headers", WitValue.List([])));
                await using var call = await Client.CallAsync(WrpcSubjects.Prefix("default", id), WrpcHttpTypes.Handle, [request]);
                if (((WitResult)call.Results[0]).Payload is WitRecord response)
                    await call.OpenByteStream((WrpcStream)response["body"]).CopyToAsync(Stream.Null);
                return true;
            }, untilAnswered: true).GetAwaiter().GetResult();
    }
}
