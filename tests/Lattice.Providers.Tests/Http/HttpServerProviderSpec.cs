using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lattice.Tests.Providers.Http;

/// <summary>
/// The http-server and http-client providers on a real host: real Kestrel listeners, real HTTP
/// requests (HttpClient), real components (the demo hello and counter, and the http-* fixtures).
/// </summary>
public sealed class HttpServerProviderSpec
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Demo(string name) => Path.Combine(TestPaths.RepoRoot, "demo", name, name + ".wasm");

    /// <summary>Retries while the listener or the route is not there yet (links apply asynchronously).</summary>
    private static async Task<HttpResponseMessage> Eventually(Func<HttpRequestMessage> request, Func<HttpResponseMessage, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await Client.SendAsync(request(), HttpCompletionOption.ResponseHeadersRead);
                if (done(response) || attempt >= 100) return response;
                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < 100) { }
            await Task.Delay(100);
        }
    }

    private static async Task<(SingleHost Host, string Url)> StartAsync(LatticeHostOptions? options = null)
    {
        var host = await SingleHost.StartAsync(options ?? SingleHost.NewOptions(), BuiltInProviders.Catalog);
        var port = FreePort();
        await host.Client.SendAsync(new PutConfig(new NamedConfig("listen", new Dictionary<string, string> { ["address"] = $"127.0.0.1:{port}" })));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("web", "http-server", ["listen"])));
        return (host, $"http://127.0.0.1:{port}");
    }

    private static async Task Deploy(SingleHost host, string id, string wasm, string? path = null, TimeSpan? timeout = null)
    {
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(wasm));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec(id, sha, 1, Timeout: timeout)));
        string[] source = [];
        if (path is not null)
        {
            await host.Client.SendAsync(new PutConfig(new NamedConfig($"route-{id}", new Dictionary<string, string> { ["path"] = path })));
            source = [$"route-{id}"];
        }
        await host.Client.SendAsync(new PutLink(new LinkDefinition("web", id, "wasi", "http", ["incoming-handler"], SourceConfig: source)));
    }

    [Fact]
    public async Task Hello_world_is_served_and_unrouted_paths_are_404()
    {
        var (host, url) = await StartAsync();
        await using var _ = host;
        await Deploy(host, "hello", Demo("http-hello"), path: "/hello");

        using var response = await Eventually(() => new HttpRequestMessage(HttpMethod.Get, url + "/hello"), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("hello, world!\n", await response.Content.ReadAsStringAsync());

        using var missing = await Client.GetAsync(url + "/elsewhere");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no component is routed", await missing.Content.ReadAsStringAsync());

        // Changing the provider's config reopens it: the listener moves to the new address.
        var moved = $"http://127.0.0.1:{FreePort()}";
        await host.Client.SendAsync(new PutConfig(new NamedConfig("listen", new Dictionary<string, string> { ["address"] = moved[7..] })));
        using var there = await Eventually(() => new HttpRequestMessage(HttpMethod.Get, moved + "/hello"), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("hello, world!\n", await there.Content.ReadAsStringAsync());
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetAsync(url + "/hello"));
    }

    [Fact]
    public async Task A_10_MiB_body_streams_through_a_component_both_ways()
    {
        var (host, url) = await StartAsync();
        await using var _ = host;
        await Deploy(host, "echo", TestPaths.Fixture("wat/http-echo.wasm"), timeout: TimeSpan.FromSeconds(60));
        using (await Eventually(() => new HttpRequestMessage(HttpMethod.Post, url + "/warm") { Content = new ByteArrayContent([1]) }, r => r.IsSuccessStatusCode)) { }

        var body = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(body);
        // Full duplex on HTTP/1.1: HttpClient sends the whole body before reading the answer (and
        // an echo that streams holds only ~1 MiB of it), so the test speaks HTTP itself: a chunked
        // upload written by one task while the chunked response is read and hashed as it arrives.
        var uri = new Uri(url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /echo?big=1 HTTP/1.1\r\nHost: {uri.Authority}\r\nx-test: streamed\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var upload = Task.Run(async () =>
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                var n = Math.Min(64 * 1024, body.Length - offset);
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{n:x}\r\n"));
                await stream.WriteAsync(body.AsMemory(offset, n));
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        });
        var reader = new ChunkedResponse(stream);
        var (status, headers) = await reader.ReadHeadAsync();
        Assert.Equal(200, status);
        Assert.Equal("/echo?big=1", headers["x-path"]);
        Assert.Equal("streamed", headers["x-test"]);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var received = await reader.ReadBodyAsync(chunk => hash.AppendData(chunk.Span));
        await upload;
        Assert.Equal(body.Length, received);
        Assert.Equal(SHA256.HashData(body), hash.GetHashAndReset());
    }

    /// <summary>Reads one HTTP/1.1 response with a chunked body from a raw stream.</summary>
    private sealed class ChunkedResponse(Stream stream)
    {
        private readonly byte[] _buffer = new byte[128 * 1024];
        private int _start, _end;

        public async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync()
        {
            var status = int.Parse((await LineAsync()).Split(' ')[1]);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var line = await LineAsync(); line.Length > 0; line = await LineAsync())
                headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].Trim();
            Assert.Equal("chunked", headers["transfer-encoding"]);
            return (status, headers);
        }

        public async Task<long> ReadBodyAsync(Action<ReadOnlyMemory<byte>> sink)
        {
            long total = 0;
            while (true)
            {
                var size = Convert.ToInt32((await LineAsync()).Split(';')[0], 16);
                if (size == 0) return total;
                while (size > 0)
                {
                    if (_start == _end) await FillAsync();
                    var n = Math.Min(size, _end - _start);
                    sink(_buffer.AsMemory(_start, n));
                    _start += n;
                    size -= n;
                    total += n;
                }
                Assert.Equal("", await LineAsync());
            }
        }

        private async Task<string> LineAsync()
        {
            while (true)
            {
                var i = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (i >= 0)
                {
                    var line = System.Text.Encoding.Latin1.GetString(_buffer, _start, i - _start).TrimEnd('\r');
                    _start = i + 1;
                    return line;
                }
                await FillAsync();
            }
        }

        private async Task FillAsync()
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end));
            if (n == 0) throw new EndOfStreamException("the server closed the connection mid-response");
            _end += n;
        }
    }

    [Fact]
    public async Task A_failing_handler_gets_a_500_a_slow_one_a_504_and_the_next_request_succeeds()
    {
        var (host, url) = await StartAsync();
        await using var _ = host;
        await Deploy(host, "fail", TestPaths.Fixture("wat/http-fail.wasm"), timeout: TimeSpan.FromSeconds(2));
        using (var ok = await Eventually(() => new HttpRequestMessage(HttpMethod.Get, url + "/ok"), r => r.StatusCode == HttpStatusCode.OK))
            Assert.Equal("ok", await ok.Content.ReadAsStringAsync());

        using (var trap = await Client.GetAsync(url + "/trap"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, trap.StatusCode);
            Assert.Contains("unreachable", await trap.Content.ReadAsStringAsync());
        }
        using (var refused = await Client.GetAsync(url + "/error"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Contains("guest refuses", await refused.Content.ReadAsStringAsync());
        }
        using (var slow = await Client.GetAsync(url + "/spin"))
            Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        // A trap after the head was sent can only cut the connection.
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var late = await Client.GetAsync(url + "/late-trap");
            await late.Content.ReadAsStringAsync();
        });
        // The instance was recycled each time, and the listener kept serving.
        using var after = await Client.GetAsync(url + "/ok");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("ok", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Outgoing_http_is_denied_until_linked_to_an_http_client_that_allows_the_host()
    {
        var upstreamPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, upstreamPort));
        await using var upstream = builder.Build();
        upstream.Run(async c =>
        {
            c.Response.StatusCode = 201;
            using var reader = new StreamReader(c.Request.Body);
            await c.Response.WriteAsync($"upstream got {c.Request.Method} {c.Request.Path} '{await reader.ReadToEndAsync()}'");
        });
        await upstream.StartAsync();

        var (host, url) = await StartAsync();
        await using var _ = host;
        await Deploy(host, "proxy", TestPaths.Fixture("wat/http-proxy.wasm"));
        HttpRequestMessage Proxied() => new(HttpMethod.Post, url + "/via") { Content = new StringContent("payload"), Headers = { { "x-upstream", $"127.0.0.1:{upstreamPort}" } } };

        // Not linked to any client: the component is told HTTP-request-denied, its request never leaves.
        using (var denied = await Eventually(Proxied, r => r.StatusCode == HttpStatusCode.InternalServerError))
            Assert.Contains("HTTP-request-denied", await denied.Content.ReadAsStringAsync());

        await host.Client.SendAsync(new StartProvider(new ProviderSpec("client", "http-client")));
        await host.Client.SendAsync(new PutConfig(new NamedConfig("elsewhere", new Dictionary<string, string> { ["allowed_hosts"] = "example.com" })));
        await host.Client.SendAsync(new PutLink(new LinkDefinition("proxy", "client", "wasi", "http", ["outgoing-handler"], TargetConfig: ["elsewhere"])));
        using (var stillDenied = await Client.SendAsync(Proxied()))
            Assert.Contains("HTTP-request-denied", await stillDenied.Content.ReadAsStringAsync());

        await host.Client.SendAsync(new PutConfig(new NamedConfig("elsewhere", new Dictionary<string, string> { ["allowed_hosts"] = $"127.0.0.1:{upstreamPort}" })));
        using var allowed = await Eventually(Proxied, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal("upstream got POST /via 'payload'", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_demo_counter_counts_visits_in_key_value_and_the_count_survives_a_restart()
    {
        var options = SingleHost.NewOptions();
        string url;
        {
            var (host, u) = await StartAsync(options);
            url = u;
            await using var _ = host;
            await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", "keyvalue")));
            await Deploy(host, "counter", Demo("http-counter"));
            await host.Client.SendAsync(new PutLink(new LinkDefinition("counter", "kv", "wasi", "keyvalue", ["store", "atomics"])));
            using (var first = await Eventually(() => new HttpRequestMessage(HttpMethod.Get, url), r => r.StatusCode == HttpStatusCode.OK))
                Assert.Equal("visits: 1\n", await first.Content.ReadAsStringAsync());
            Assert.Equal("visits: 2\n", await Client.GetStringAsync(url));
        }

        // Same data directory, a fresh host: desired state, listener and the count come back.
        await using var again = await SingleHost.StartAsync(options with { Port = SingleHost.NewOptions().Port }, BuiltInProviders.Catalog);
        using var third = await Eventually(() => new HttpRequestMessage(HttpMethod.Get, url), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("visits: 3\n", await third.Content.ReadAsStringAsync());
    }
}
