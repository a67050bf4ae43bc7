using System.Text;
using Lattice.Node.Tests.Wrpc;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// Our http-server provider linked to a component that is not ours but a wasmCloud component on the
/// same NATS lattice (issue 5): each request goes to it as wasmCloud's http-server sends it,
/// `wrpc:http/incoming-handler@0.1.0.handle(request)` on `{lattice}.{component}` with `source-id` and
/// `target-id` (protocol spec §1.3, §1.8). The component is written from the spec in the test with raw
/// NATS (<see cref="SpecProvider"/> serves any function under an id); the client is a real HTTP client
/// talking to the provider's Kestrel listener in a real `lattice up --nats` host.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class ExternalHttpServerSpec(ExternalHttpServerHost fixture) : IClassFixture<ExternalHttpServerHost>
{
    private const string Incoming = "wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle";

    [SkippableFact]
    public async Task The_component_sees_the_exact_request_with_its_streamed_body_and_its_streamed_answer_reaches_the_client()
    {
        var nats = fixture.Require();
        await fixture.WaitRoutedAsync();
        await using var component = await SpecProvider.StartAsync(nats, "default", "extweb");

        // Several hundred KB: more than max_payload (64 KiB), so the body crosses in many messages as the server reads it.
        var large = HttpProbe.Pattern(300 * 1024, 5);
        var request = HttpProbe.Post(fixture.Url + "/ext/up?q=1", large);
        request.Headers.Add("x-test", ["one", "two"]);
        var sent = HttpProbe.Client.SendAsync(request);

        var call = await component.NextCallAsync();
        Assert.Equal($"default.extweb.{Incoming}", call.Subject);
        Assert.Equal("web", call.Headers?["source-id"].ToString());
        Assert.Equal("extweb", call.Headers?["target-id"].ToString());
        var rs = await component.HandshakeAsync(call);

        // body pending, trailers pending, post, some(path), some(HTTP), some(authority), then the headers.
        var parameters = await component.ParamsAsync(call, rs);
        var head = New().Byte(0, 0, 2).Byte(1).Str("/ext/up?q=1").Byte(1, 0).Byte(1).Str($"127.0.0.1:{fixture.Port}").ToArray();
        Assert.Equal(ToHex(head), ToHex(parameters[..head.Length]));
        var headers = Fields(parameters, head.Length);
        Assert.Equal(new[] { $"127.0.0.1:{fixture.Port}" }, headers["host"]);
        Assert.Equal(new[] { "application/octet-stream" }, headers["content-type"]);
        Assert.Equal(new[] { large.Length.ToString() }, headers["content-length"]);
        Assert.Equal(new[] { "one, two" }, headers["x-test"]);

        var (body, messages) = await component.ReadToEndAsync(rs + ".params.0.0");
        Assert.Equal(large, StreamBytes(body));
        Assert.True(messages.Count > 2, $"{messages.Count} body messages");
        Assert.All(messages, m => Assert.True((m.Data?.Length ?? 0) <= nats.MaxPayload));
        Assert.Equal("00", ToHex((await component.ReadToEndAsync(rs + ".params.0.1")).Bytes)); // trailers: none

        // ok(response { body pending, trailers pending, 201, [x-from: spec, content-type: text/plain] }), the body in three messages.
        await component.ResultsAsync(call, New().Byte(0, 0, 0).U(201).U(2).Str("x-from").U(1).Bytes("spec"u8.ToArray())
            .Str("content-type").U(1).Bytes("text/plain"u8.ToArray()).ToArray());
        await component.StreamAsync(call, ".results.0.0", [New().Bytes("first,"u8.ToArray()).ToArray(), New().Bytes("second,"u8.ToArray()).ToArray(),
            New().Bytes("third"u8.ToArray()).Byte(0).ToArray()]);
        await component.StreamAsync(call, ".results.0.1", [Hex("00")]);

        using var response = await sent;
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(new[] { "spec" }, response.Headers.GetValues("x-from"));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("first,second,third", await response.Content.ReadAsStringAsync());
        Assert.True(component.Idle);
    }

    [SkippableFact]
    public async Task The_components_error_code_is_a_failed_answer_with_the_documented_status()
    {
        var nats = fixture.Require();
        await fixture.WaitRoutedAsync();
        await using var component = await SpecProvider.StartAsync(nats, "default", "extweb");

        // err(HTTP-request-denied) → 500 with one line that names the code.
        using (var denied = await AnswerAsync(component, "/ext/denied", New().Byte(1).U(15).ToArray()))
        {
            Assert.Equal(500, (int)denied.StatusCode);
            var text = await denied.Content.ReadAsStringAsync();
            Assert.Contains("HTTP-request-denied", text);
            Assert.Contains("'extweb'", text);
            Assert.Single(text.TrimEnd('\n').Split('\n'));
        }

        // err(HTTP-response-timeout) → 504.
        using (var late = await AnswerAsync(component, "/ext/late", New().Byte(1).U(33).ToArray()))
            Assert.Equal(504, (int)late.StatusCode);
    }

    [SkippableFact]
    public async Task A_trap_is_a_500_and_a_body_that_breaks_off_aborts_the_connection()
    {
        var nats = fixture.Require();
        await fixture.WaitRoutedAsync();
        await using var component = await SpecProvider.StartAsync(nats, "default", "extweb");

        // The component fails the invocation: `Rc.results` ends before the result decodes.
        using (var trapped = await AnswerAsync(component, "/ext/trap", []))
        {
            Assert.Equal(500, (int)trapped.StatusCode);
            Assert.Contains("'extweb'", await trapped.Content.ReadAsStringAsync());
        }

        // ok(200), then the body ends without its end marker: the client sees the connection cut, not a clean end.
        var sent = HttpProbe.Client.GetAsync(fixture.Url + "/ext/broken");
        var call = await component.NextCallAsync();
        await component.ParamsAsync(call, await component.HandshakeAsync(call));
        await component.ResultsAsync(call, New().Byte(0, 0, 0).U(200).U(0).ToArray());
        await component.BreakAsync(call, ".results.0.0", New().Bytes("part"u8.ToArray()).ToArray(), "component trapped");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sent);

        using var after = await AnswerAsync(component, "/ext/after", New().Byte(0, 0, 0).U(200).U(0).ToArray(), [New().Bytes("ok"u8.ToArray()).Byte(0).ToArray()]);
        Assert.Equal("ok", await after.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Without_the_component_on_the_NATS_lattice_the_client_gets_503_with_one_line_and_the_host_keeps_serving()
    {
        var nats = fixture.Require();
        await fixture.WaitRoutedAsync();
        for (var i = 0; i < 2; i++)
        {
            using var lost = await HttpProbe.Client.GetAsync(fixture.Url + "/lost");
            Assert.Equal(503, (int)lost.StatusCode);
            var text = await lost.Content.ReadAsStringAsync();
            Assert.Contains("'extlost'", text);
            Assert.Contains("nothing on the NATS lattice serves", text);
            Assert.Single(text.TrimEnd('\n').Split('\n'));
        }

        // The same listener still reaches the component that is there.
        await using var component = await SpecProvider.StartAsync(nats, "default", "extweb");
        using var served = await AnswerAsync(component, "/ext/again", New().Byte(0, 0, 0).U(204).U(0).ToArray(), [Hex("00")]);
        Assert.Equal(204, (int)served.StatusCode);
    }

    /// <summary>
    /// A GET to <paramref name="path"/>; the component answers <paramref name="results"/> (no bytes: the results end
    /// before they decode) and, for ok, the body messages and no trailers.
    /// </summary>
    private async Task<HttpResponseMessage> AnswerAsync(SpecProvider component, string path, byte[] results, byte[][]? body = null)
    {
        var sent = HttpProbe.Client.GetAsync(fixture.Url + path);
        var call = await component.NextCallAsync();
        await component.ParamsAsync(call, await component.HandshakeAsync(call));
        if (results.Length == 0) await component.StreamAsync(call, ".results", []);
        else await component.ResultsAsync(call, results);
        if (body is not null)
        {
            await component.StreamAsync(call, ".results.0.0", body);
            await component.StreamAsync(call, ".results.0.1", [Hex("00")]);
        }
        return await sent;
    }

    /// <summary>The <c>fields</c> value at <paramref name="at"/>, which must end the params: name → its values.</summary>
    private static Dictionary<string, List<string>> Fields(byte[] wire, int at)
    {
        var fields = new Dictionary<string, List<string>>();
        var count = ReadU32(wire, ref at);
        for (var i = 0; i < count; i++)
        {
            var name = Encoding.ASCII.GetString(Take(wire, ref at));
            var values = ReadU32(wire, ref at);
            for (var v = 0; v < values; v++)
            {
                if (!fields.TryGetValue(name, out var list)) fields[name] = list = [];
                list.Add(Encoding.Latin1.GetString(Take(wire, ref at)));
            }
        }
        Assert.Equal(wire.Length, at);
        return fields;
    }

    private static byte[] Take(byte[] wire, ref int at)
    {
        var n = (int)ReadU32(wire, ref at);
        var bytes = wire.AsSpan(at, n).ToArray();
        at += n;
        return bytes;
    }

    /// <summary>A pending stream&lt;u8&gt;'s data as sent on its path (LEB128 count + bytes per chunk, then 00), concatenated.</summary>
    private static byte[] StreamBytes(byte[] wire)
    {
        var bytes = new List<byte>();
        var at = 0;
        while (true)
        {
            var chunk = Take(wire, ref at);
            if (chunk.Length == 0) break;
            bytes.AddRange(chunk);
        }
        Assert.Equal(wire.Length, at); // nothing after the end marker
        return [.. bytes];
    }
}

/// <summary>
/// A nats-server and one `lattice up --nats` host whose http-server provider `web` listens on a free
/// port and routes `/ext` to `extweb` and `/lost` to `extlost`: neither is a component of ours.
/// </summary>
public sealed class ExternalHttpServerHost : ServedHost
{
    private static int s_port;

    public ExternalHttpServerHost() : base("exthttpserver", host =>
    {
        s_port = HostProcess.FreePort();
        Ops.Json(host, "config", "put", "listen", $"address=127.0.0.1:{s_port}");
        Ops.Json(host, "config", "put", "ext-route", "path=/ext");
        Ops.Json(host, "config", "put", "lost-route", "path=/lost");
        Ops.Json(host, "provider", "start", "web", "http-server", "--config", "listen");
        Ops.Json(host, "link", "put", "web", "extweb", "wasi:http/incoming-handler", "--source-config", "ext-route");
        Ops.Json(host, "link", "put", "web", "extlost", "wasi:http/incoming-handler", "--name", "lost", "--source-config", "lost-route");
    })
    {
        Port = s_port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// Until the listener serves both routes: `/lost` answers 503 once its link applied (the `/ext` link was put
    /// before it, and links apply in order).
    /// </summary>
    public async Task WaitRoutedAsync()
    {
        using var routed = await HttpProbe.EventuallyStatus(Url + "/lost", 503);
    }
}
