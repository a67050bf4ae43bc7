using System.Text;
using Lattice.Actors;
using Lattice.Node.Bridge;
using Lattice.Node.Bridge.Http;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Node.Tests.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A component's outgoing wasi:http request whose link points outside our lattice goes to a wasmCloud
/// http-client provider as `wrpc:http/outgoing-handler@0.1.0.handle(request, options)` on
/// `{lattice}.{target}` (protocol spec §1.8, issue 5). The provider is written from the spec in the
/// test (raw NATS, <see cref="SpecBytes"/>); the component is http-proxy.wasm, called over wRPC
/// through the host's bridge, which forwards each request to the authority in its `x-upstream` header.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class ExternalHttpClientSpec(ExternalHttpHost fixture) : IClassFixture<ExternalHttpHost>
{
    private const string Outgoing = "wrpc.0.0.1.wrpc:http/outgoing-handler@0.1.0.handle";

    [SkippableFact]
    public async Task The_provider_sees_the_exact_request_and_its_streamed_answer_reaches_the_components_caller()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "exthttp");

        // A body larger than max_payload (64 KiB): the guest splices it into its request while the bridge sends it on.
        var large = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i:x5},"));
        var answer = fixture.CallProxyAsync("proxy", "post", "/up?q=1", "upstream.test:8080", ["hello ", "body", large]);
        var call = await provider.NextCallAsync();
        Assert.Equal($"default.exthttp.{Outgoing}", call.Subject);
        Assert.Equal("proxy", call.Headers?["source-id"].ToString());
        Assert.Equal("default", call.Headers?["link-name"].ToString());
        var rs = await provider.HandshakeAsync(call);

        // body pending, trailers pending, post, some("/up?q=1"), some(HTTP), some(authority), no headers (the proxy sets none), options none.
        var expected = New().Byte(0, 0, 2).Byte(1).Str("/up?q=1").Byte(1, 0).Byte(1).Str("upstream.test:8080").U(0).Byte(0).ToArray();
        Assert.Equal(ToHex(expected), ToHex(await provider.ParamsAsync(call, rs)));
        var (body, messages) = await provider.ReadToEndAsync(rs + ".params.0.0");
        Assert.Equal("hello body" + large, Encoding.ASCII.GetString(StreamBytes(body)));
        Assert.True(messages.Count > 2, $"{messages.Count} body messages");
        Assert.All(messages, m => Assert.True((m.Data?.Length ?? 0) <= nats.MaxPayload));
        Assert.Equal("00", ToHex((await provider.ReadToEndAsync(rs + ".params.0.1")).Bytes)); // trailers: none

        // ok(response { body pending, trailers pending, 201, [x-from: spec] }), then the body in three messages.
        await provider.ResultsAsync(call, New().Byte(0, 0, 0).U(201).U(1).Str("x-from").U(1).Bytes("spec"u8.ToArray()).ToArray());
        await provider.StreamAsync(call, ".results.0.0", [New().Bytes("first,"u8.ToArray()).ToArray(), New().Bytes("second,"u8.ToArray()).ToArray(),
            New().Bytes("third"u8.ToArray()).Byte(0).ToArray()]);
        await provider.StreamAsync(call, ".results.0.1", [Hex("00")]);

        var (status, text) = Ok(await answer);
        Assert.Equal(201, status);
        Assert.Equal("first,second,third", text);
        Assert.True(provider.Idle);
    }

    [SkippableFact]
    public async Task The_providers_error_code_is_the_error_the_component_sees()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "exthttp");

        var answer = fixture.CallProxyAsync("proxy", "get", "/", "nowhere.test", []);
        var call = await provider.NextCallAsync();
        var rs = await provider.HandshakeAsync(call);
        await provider.ParamsAsync(call, rs);
        await provider.ResultsAsync(call, Hex("01 00")); // err(DNS-timeout)
        // http-proxy passes the code on as its own answer: err(DNS-timeout) to its caller.
        Assert.Equal("DNS-timeout", Err(await answer).Case);

        answer = fixture.CallProxyAsync("proxy", "get", "/", "nowhere.test", []);
        call = await provider.NextCallAsync();
        rs = await provider.HandshakeAsync(call);
        await provider.ParamsAsync(call, rs);
        await provider.ResultsAsync(call, New().Byte(1).U(38).Byte(1).Str("upstream said no").ToArray()); // err(internal-error(some(...)))
        // http-proxy passes codes on by case only (its data left empty); the text itself is checked below, at the bridge.
        Assert.Equal("internal-error", Err(await answer).Case);
    }

    [SkippableFact]
    public async Task Without_an_http_client_on_the_NATS_lattice_the_component_sees_connection_refused_and_the_host_keeps_serving()
    {
        var nats = fixture.Require();
        for (var i = 0; i < 2; i++)
            Assert.Equal("connection-refused", Err(await fixture.CallProxyAsync("proxylost", "get", "/", "upstream.test", [])).Case);

        // The same host still sends the other component's requests.
        await using var provider = await SpecProvider.StartAsync(nats, "default", "exthttp");
        var answer = fixture.CallProxyAsync("proxy", "get", "/again", "upstream.test", []);
        var call = await provider.NextCallAsync();
        var rs = await provider.HandshakeAsync(call);
        await provider.ParamsAsync(call, rs);
        await provider.ResultsAsync(call, New().Byte(0, 0, 0).U(204).U(0).ToArray());
        await provider.StreamAsync(call, ".results.0.0", [Hex("00")]);
        await provider.StreamAsync(call, ".results.0.1", [Hex("00")]);
        Assert.Equal((204, ""), Ok(await answer));
    }

    [SkippableFact]
    public async Task An_http_request_for_a_component_this_bridge_still_serves_is_refused_not_sent_back_to_itself()
    {
        var nats = fixture.Require();
        await using var server = await nats.ConnectAsync("exthttp-loop");
        // Anything that went out for 'mine' would land here.
        await using var sub = await server.SubscribeCoreAsync<byte[]>("default.mine.>");
        await server.PingAsync();
        await using var connection = await nats.ConnectAsync("exthttp-loop-links");
        await using var links = new WrpcLinks(connection, "default", id => id == "mine");

        using var answer = await links.ServeHttpAsync(new ExternalHttpServe("mine", "web", new HttpRequestHead("GET", "http", "localhost", "/", []), null, TimeSpan.FromSeconds(5)));
        Assert.Equal(503, answer.Status);
        Assert.Equal("component 'mine' is stopping", answer.Failure);
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sub.Msgs.ReadAsync(quiet.Token));
    }

    [SkippableFact]
    public async Task The_bridge_sends_headers_default_scheme_and_timeouts_and_reads_trailers_and_honours_the_first_byte_timeout()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "exthttp2");
        await using var connection = await nats.ConnectAsync("exthttp-links");
        await using var links = new WrpcLinks(connection, "default", _ => false);

        // No scheme (https), no path (/), a repeated header, and the guest's connect and first-byte timeouts.
        var head = new HttpRequestHead("PATCH", null, "api.test", null, [new HttpField("x-a", "1"), new HttpField("X-A", "2"), new HttpField("content-type", "text/plain")]);
        var sent = links.SendHttpAsync(new ExternalHttpCall("src", "exthttp2", "blue",
            new OutgoingHttpRequest(head, null, new HttpTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1500), null))));
        var call = await provider.NextCallAsync();
        Assert.Equal("src", call.Headers?["source-id"].ToString());
        Assert.Equal("blue", call.Headers?["link-name"].ToString());
        var rs = await provider.HandshakeAsync(call);
        var expected = New().Byte(0, 0, 8).Byte(1).Str("/").Byte(1, 1).Byte(1).Str("api.test")
            .U(2).Str("x-a").U(2).Bytes("1"u8.ToArray()).Bytes("2"u8.ToArray()).Str("content-type").U(1).Bytes("text/plain"u8.ToArray())
            .Byte(1).Byte(1).U(2_000_000_000).Byte(1).U(1_500_000_000).Byte(0).ToArray();
        Assert.Equal(ToHex(expected), ToHex(await provider.ParamsAsync(call, rs)));
        Assert.Equal("00", ToHex((await provider.ReadToEndAsync(rs + ".params.0.0")).Bytes)); // no body: an empty stream
        Assert.Equal("00", ToHex((await provider.ReadToEndAsync(rs + ".params.0.1")).Bytes));

        // ok(200, [a: b]); a body in two messages; trailers some([x-t: [v]]).
        await provider.ResultsAsync(call, New().Byte(0, 0, 0).U(200).U(1).Str("a").U(1).Bytes("b"u8.ToArray()).ToArray());
        var response = await sent;
        Assert.Equal(200, response.Status);
        Assert.Equal(new[] { new HttpField("a", "b") }, response.Headers);
        await provider.StreamAsync(call, ".results.0.0", [New().Bytes(new byte[3000]).ToArray(), New().Bytes("end"u8.ToArray()).Byte(0).ToArray()]);
        await provider.StreamAsync(call, ".results.0.1", [New().Byte(1).U(1).Str("x-t").U(1).Bytes("v"u8.ToArray()).ToArray()]);
        var read = new MemoryStream();
        await using (response.Body) await response.Body.CopyToAsync(read);
        Assert.Equal(3003, read.Length);
        Assert.Equal("end", Encoding.ASCII.GetString(read.ToArray()[3000..]));
        Assert.Equal(new[] { new HttpField("x-t", "v") }, response.Trailers!()!);

        // A body the provider breaks off (its end message says why) fails the guest's reads with HTTP-response-incomplete.
        var broken = links.SendHttpAsync(new ExternalHttpCall("src", "exthttp2", "default", new OutgoingHttpRequest(head, null, HttpTimeouts.None)));
        call = await provider.NextCallAsync();
        await provider.ParamsAsync(call, await provider.HandshakeAsync(call));
        await provider.ResultsAsync(call, New().Byte(0, 0, 0).U(200).U(0).ToArray());
        await provider.BreakAsync(call, ".results.0.0", New().Bytes("part"u8.ToArray()).ToArray(), "upstream reset");
        await using (var partial = (await broken).Body)
        {
            var incomplete = await Assert.ThrowsAsync<HttpErrorCodeException>(() => partial.CopyToAsync(Stream.Null));
            Assert.Equal("HTTP-response-incomplete", incomplete.Code.Case);
            Assert.Contains("upstream reset", incomplete.Message);
        }

        // err(internal-error(some(text))) keeps its text; err(DNS-error { rcode: some("NXDOMAIN"), info-code: some(3) }) its details.
        var failed = links.SendHttpAsync(new ExternalHttpCall("src", "exthttp2", "default", new OutgoingHttpRequest(head, null, HttpTimeouts.None)));
        call = await provider.NextCallAsync();
        await provider.ParamsAsync(call, await provider.HandshakeAsync(call));
        await provider.ResultsAsync(call, New().Byte(1).U(38).Byte(1).Str("upstream said no").ToArray());
        var internalError = await Assert.ThrowsAsync<HttpErrorCodeException>(() => failed);
        Assert.Equal("upstream said no", internalError.Code.Message);
        failed = links.SendHttpAsync(new ExternalHttpCall("src", "exthttp2", "default", new OutgoingHttpRequest(head, null, HttpTimeouts.None)));
        call = await provider.NextCallAsync();
        await provider.ParamsAsync(call, await provider.HandshakeAsync(call));
        await provider.ResultsAsync(call, New().Byte(1).U(1).Byte(1).Str("NXDOMAIN").Byte(1).U(3).ToArray());
        var dns = (await Assert.ThrowsAsync<HttpErrorCodeException>(() => failed)).Code;
        Assert.Equal("DNS-error", dns.Case);
        Assert.Equal("NXDOMAIN", ((WitOption)((WitRecord)dns.Value!)["rcode"]).Value!.AsString());
        Assert.Equal(3UL, ((WitPrimitive)((WitOption)((WitRecord)dns.Value!)["info-code"]).Value!).Bits);

        // A provider that takes the request and never answers: connection-read-timeout after connect + first-byte.
        var silent = links.SendHttpAsync(new ExternalHttpCall("src", "exthttp2", "default",
            new OutgoingHttpRequest(head, null, new HttpTimeouts(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), null))));
        await provider.HandshakeAsync(await provider.NextCallAsync());
        var timeout = await Assert.ThrowsAsync<HttpErrorCodeException>(() => silent);
        Assert.Equal("connection-read-timeout", timeout.Code.Case);

        // Nothing serves the target: connection-refused, with a message that names it.
        var refused = await Assert.ThrowsAsync<HttpErrorCodeException>(() => links.SendHttpAsync(new ExternalHttpCall("src", "nobody", "default",
            new OutgoingHttpRequest(head, null, HttpTimeouts.None))));
        Assert.Equal("connection-refused", refused.Code.Case);
        Assert.Contains("'nobody'", refused.Message);
    }

    private static (int Status, string Body) Ok((WitResult Result, string? Body) answer)
    {
        Assert.True(answer.Result.IsOk, answer.Result.Payload?.ToString());
        return ((int)((WitPrimitive)((WitRecord)answer.Result.Payload!)["status"]).Bits, answer.Body!);
    }

    private static WitVariant Err((WitResult Result, string? Body) answer)
    {
        Assert.False(answer.Result.IsOk, $"expected an error, got {answer.Result.Payload}");
        return (WitVariant)answer.Result.Payload!;
    }
}

/// <summary>
/// A nats-server and one `lattice up --nats` host running http-proxy.wasm as `proxy` (its
/// wasi:http/outgoing-handler linked to `exthttp`, which is no provider of ours) and as `proxylost`
/// (linked to `httpnobody`, which nothing serves), both answering wrpc:http/incoming-handler.
/// </summary>
public sealed class ExternalHttpHost : ServedHost
{
    public ExternalHttpHost() : base("exthttp-host", host =>
    {
        Ops.Json(host, "component", "start", "proxy", TestPaths.Fixture("wat/http-proxy.wasm"));
        Ops.Json(host, "component", "start", "proxylost", TestPaths.Fixture("wat/http-proxy.wasm"));
        Ops.Json(host, "link", "put", "proxy", "exthttp", "wasi:http/outgoing-handler");
        Ops.Json(host, "link", "put", "proxylost", "httpnobody", "wasi:http/outgoing-handler");
    })
    {
    }

    /// <summary>
    /// Sends a request to the proxy component over wRPC with `x-upstream: <paramref name="upstream"/>` and the body in
    /// <paramref name="chunks"/>; returns its result and, when ok, the whole response body. Until the bridge serves the
    /// component (about a second after start) NATS says no responders.
    /// </summary>
    public Task<(WitResult Result, string? Body)> CallProxyAsync(string component, string method, string path, string upstream, string[] chunks) =>
        UntilServedAsync(async () =>
        {
            var request = WitValue.Record(
                ("body", WrpcOutgoing.Bytes(Chunks(chunks))),
                ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None))),
                ("method", WitValue.Variant(method)),
                ("path-with-query", WitValue.Some(WitValue.String(path))),
                ("scheme", WitValue.Some(WitValue.Variant("HTTP"))),
                ("authority", WitValue.Some(WitValue.String("localhost"))),
                ("headers", WitValue.List([WitValue.Tuple(WitValue.String("x-upstream"), WitValue.List([WitValue.Bytes(Encoding.ASCII.GetBytes(upstream))]))])));
            await using var call = await Client.CallAsync(WrpcSubjects.Prefix("default", component), WrpcHttpTypes.Handle, [request]);
            var result = (WitResult)call.Results[0];
            if (result.Payload is not WitRecord response) return (result, (string?)null);
            using var body = new MemoryStream();
            await using (var stream = call.OpenByteStream((WrpcStream)response["body"])) await stream.CopyToAsync(body);
            return (result, Encoding.ASCII.GetString(body.ToArray()));
        });

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return Encoding.ASCII.GetBytes(chunk);
        }
    }
}
