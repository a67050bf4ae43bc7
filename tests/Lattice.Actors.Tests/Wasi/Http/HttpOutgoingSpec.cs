using System.Net;
using System.Net.Sockets;
using Lattice.Wasi.Http;
using static Lattice.Tests.Wasi.Http.HttpTestbed;

namespace Lattice.Tests.Wasi.Http;

/// <summary>
/// wasi:http/outgoing-handler from a real component (the http-proxy fixture forwards what it is served to
/// the authority in its `x-upstream` header) to a real HTTP server on 127.0.0.1.
/// </summary>
public sealed class HttpOutgoingSpec : IDisposable
{
    private readonly Upstream _upstream = new();

    public void Dispose() => _upstream.Dispose();

    private HttpExchange Proxied(string method, string path, Stream? body = null, string? upstream = null) =>
        new(new HttpRequestHead(method, "http", "localhost", path, [new("x-upstream", upstream ?? _upstream.Authority)]), body);

    [Fact]
    public async Task Without_an_outgoing_handler_every_request_is_denied()
    {
        using var instance = Fixture("http-proxy.wasm");
        using var exchange = Proxied("GET", "/");
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal(HttpFailureKind.ErrorCode, failed.Kind);
        Assert.Equal("HTTP-request-denied", failed.ErrorCode!.Case);
        await handler.WaitAsync(Hang);
        Assert.Equal(0, _upstream.Requests);
    }

    [Fact]
    public async Task An_allowed_host_is_reached_and_both_bodies_stream_through()
    {
        using var instance = Fixture("http-proxy.wasm", outgoing: new OutgoingHttpClient([_upstream.Authority]));
        const int size = 3 * MiB;
        using var exchange = Proxied("PUT", "/upload?x=1", new PatternStream(size));
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        Assert.Equal(201, response.Status); // the upstream's status, passed on by the guest
        var echoed = new MemoryStream();
        await response.Body.CopyToAsync(echoed).WaitAsync(Hang);
        await handler.WaitAsync(Hang);

        Assert.Equal(size, echoed.Length);
        PatternStream.Verify(echoed.ToArray(), 0);
        var seen = Assert.Single(_upstream.Seen);
        Assert.Equal(("PUT", "/upload?x=1", true, (long)size), seen);
        Assert.Equal(0, instance.Instance.Store.Resources.Count);
    }

    [Fact]
    public async Task A_GET_whose_body_the_guest_finished_empty_goes_out_without_a_body()
    {
        using var instance = Fixture("http-proxy.wasm", outgoing: new OutgoingHttpClient([_upstream.Authority]));
        using var exchange = Proxied("GET", "/items/7");
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        Assert.Equal("", await ReadText(response.Body));
        await handler.WaitAsync(Hang);
        Assert.Equal(("GET", "/items/7", false, 0L), Assert.Single(_upstream.Seen));
    }

    [Fact]
    public async Task A_host_outside_the_allow_list_is_denied_before_any_connection()
    {
        using var instance = Fixture("http-proxy.wasm", outgoing: new OutgoingHttpClient(["example.com", "127.0.0.2"]));
        using var exchange = Proxied("GET", "/");
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal("HTTP-request-denied", failed.ErrorCode!.Case);
        await handler.WaitAsync(Hang);
        Assert.Equal(0, _upstream.Requests);
    }

    [Fact]
    public async Task A_refused_connection_reaches_the_guest_as_connection_refused()
    {
        using var instance = Fixture("http-proxy.wasm", outgoing: new OutgoingHttpClient(["127.0.0.1"]));
        using var exchange = Proxied("GET", "/", upstream: $"127.0.0.1:{Upstream.FreePort()}");
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal("connection-refused", failed.ErrorCode!.Case);
        await handler.WaitAsync(Hang);
    }

    [Fact]
    public async Task An_upstream_that_does_not_answer_within_the_first_byte_timeout_is_a_read_timeout()
    {
        var client = new OutgoingHttpClient([_upstream.Authority], new HttpTimeouts(null, TimeSpan.FromMilliseconds(200), null));
        using var instance = Fixture("http-proxy.wasm", outgoing: client);
        _upstream.Hold(); // answers only once released
        using var exchange = Proxied("GET", "/slow");
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        _upstream.Release();
        Assert.Equal("connection-read-timeout", failed.ErrorCode!.Case);
        await handler.WaitAsync(Hang);
    }

    [Theory]
    [InlineData("api.example.com", "api.example.com", 443, true)]
    [InlineData("API.Example.com", "api.example.com", 80, true)]
    [InlineData("api.example.com", "example.com", 443, false)]
    [InlineData("api.example.com", "evil-api.example.com", 443, false)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8081, false)]
    [InlineData("*.example.com", "a.b.example.com", 443, true)]
    [InlineData("*.example.com", "example.com", 443, false)]
    [InlineData("[::1]:9000", "::1", 9000, true)]
    [InlineData("*", "anything.anywhere", 1, true)]
    public void The_allow_list_matches_hosts_and_ports(string entry, string host, int port, bool allowed) =>
        Assert.Equal(allowed, new OutgoingHttpClient([entry]).Allows(host, port));

    [Fact]
    public void An_allow_list_entry_that_is_not_a_host_is_refused_at_once()
    {
        var e = Assert.Throws<ArgumentException>(() => new OutgoingHttpClient(["http://example.com/"]));
        Assert.Contains("http://example.com/", e.Message);
    }
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener): answers 201 with the request body echoed back, and
/// records what it saw (method, path, whether the request had a body at all, its length). <see cref="Hold"/> makes it wait before answering.
/// </summary>
internal sealed class Upstream : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly List<(string Method, string Path, bool HasBody, long BodyLength)> _seen = [];
    private TaskCompletionSource _gate = Released();

    public Upstream()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Authority => $"127.0.0.1:{Port}";

    public int Requests { get { lock (_seen) return _seen.Count; } }

    public IReadOnlyList<(string Method, string Path, bool HasBody, long BodyLength)> Seen { get { lock (_seen) return [.. _seen]; } }

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static TaskCompletionSource Released()
    {
        var tcs = new TaskCompletionSource();
        tcs.SetResult();
        return tcs;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            await _gate.Task;
            var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (_seen) _seen.Add((context.Request.HttpMethod, context.Request.RawUrl ?? "", context.Request.HasEntityBody, body.Length));
            context.Response.StatusCode = 201;
            context.Response.ContentLength64 = body.Length;
            body.Position = 0;
            await body.CopyToAsync(context.Response.OutputStream);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a timeout test): nothing to answer.
        }
    }

    public void Dispose()
    {
        Release();
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
