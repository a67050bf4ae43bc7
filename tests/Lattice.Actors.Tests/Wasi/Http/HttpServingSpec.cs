using Lattice.Tests.Conformance;
using Lattice.Wasi.Http;
using Lattice.Wasm;
using static Lattice.Tests.Wasi.Http.HttpTestbed;

namespace Lattice.Tests.Wasi.Http;

/// <summary>
/// Serving HTTP with real components through <see cref="IncomingHandler"/>, as a server would: the guest runs
/// on its own thread, the test reads the outcome and the body concurrently.
/// </summary>
public sealed class HttpServingSpec
{
    /// <summary>
    /// wasmtime's api_proxy test program (Rust): asserts scheme, authority and path are present, that the
    /// request headers are immutable and carry no `host` header, that it cannot open files, then answers
    /// "hello, world!" through outgoing-response, outgoing-body and blocking-write-and-flush.
    /// </summary>
    [SkippableFact]
    public async Task The_corpus_api_proxy_answers_hello_world()
    {
        Skip.If(Corpus.Default is null, Corpus.MissingReason);
        using var instance = Instance(WasiTestbed.Cache.LoadFile(Corpus.Default!.ComponentPath("api_proxy.component.wasm")));
        Assert.Equal("wasi:http/incoming-handler@0.2.0", IncomingHandler.FindExport(instance.Component.World));

        for (var i = 0; i < 2; i++) // the same instance serves request after request
        {
            using var exchange = new HttpExchange(
                new HttpRequestHead("GET", "http", "example.com:8080", "/hello?x=1",
                    [new("host", "example.com:8080"), new("accept", "*/*"), new("connection", "keep-alive")]));
            var handler = Serve(instance, exchange);

            var response = await Responded(exchange);
            Assert.Equal(200, response.Status);
            Assert.Equal("hello, world!", await ReadText(response.Body));
            await handler.WaitAsync(Hang);
        }
        Assert.Equal(1, instance.Generation);
    }

    [Fact]
    public async Task The_echo_streams_a_10_MiB_body_back_without_holding_it_whole()
    {
        using var instance = Fixture("http-echo.wasm");
        const long size = 10L * MiB;
        var source = new PatternStream(size);
        using var exchange = new HttpExchange(new HttpRequestHead("POST", "http", "localhost", "/echo?n=1",
            [new("X-Trace", "abc"), new("x-trace", "def"), new("Host", "localhost"), new("transfer-encoding", "chunked")]),
            source, trailers: () => [new("x-checksum", "c0ffee"), new("connection", "close")]);
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        // The head came before the body was read: nobody has read the response yet, so backpressure
        // has stopped the request body a little over two buffers in.
        Assert.True(source.Produced < 4 * MiB, $"{source.Produced} bytes of the request were read before anyone read the response");
        Assert.Equal(200, response.Status);
        // The guest copied the request's headers (entries, then from-list): names lowercased, repeated ones kept
        // in order, and the hop-by-hop ones never shown to it.
        Assert.Equal(["x-trace: abc", "x-trace: def", "x-path: /echo?n=1"], response.Headers.Select(h => h.ToString()));

        long received = 0, mostAhead = 0;
        var buffer = new byte[80 * 1024];
        int n;
        while ((n = await response.Body.ReadAsync(buffer).AsTask().WaitAsync(Hang)) > 0)
        {
            PatternStream.Verify(buffer.AsSpan(0, n), received);
            received += n;
            mostAhead = Math.Max(mostAhead, source.Produced - received);
        }
        await handler.WaitAsync(Hang);

        Assert.Equal(size, received);
        // The request's trailers reached the guest (future-trailers) and came back as the response's.
        Assert.Equal(["x-checksum: c0ffee"], response.Body.Trailers!.Select(h => h.ToString()));
        // Between what the server read in and what it got out there is never more than the two body
        // buffers (1 MiB each), a pump chunk and the guest's own 64 KiB chunk: the body flows, it is not held.
        Assert.True(mostAhead < 4 * MiB, $"the request ran {mostAhead} bytes ahead of the response");
        Assert.True(response.Body.PeakBuffered <= BodyPipe.DefaultCapacity + 64 * 1024, $"the response buffer held {response.Body.PeakBuffered} bytes");
        Assert.Equal(0, instance.Instance.Store.Resources.Count); // the guest dropped or handed over every handle
    }

    [Fact]
    public async Task A_request_without_a_body_or_trailers_echoes_an_empty_body_without_trailers()
    {
        using var instance = Fixture("http-echo.wasm");
        using var exchange = new HttpExchange(Get("/empty"));
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        Assert.Equal("", await ReadText(response.Body));
        Assert.Null(response.Body.Trailers);
        await handler.WaitAsync(Hang);
    }

    [Fact]
    public async Task A_guest_whose_response_nobody_reads_waits_within_its_deadline_then_fails_the_body()
    {
        using var instance = Fixture("http-echo.wasm", new InstanceLimits { Timeout = TimeSpan.FromSeconds(1) });
        var source = new PatternStream(10L * MiB);
        using var exchange = new HttpExchange(new HttpRequestHead("POST", "http", "localhost", "/", []), source);
        var handler = Serve(instance, exchange);
        var response = await Responded(exchange);

        var trap = await Assert.ThrowsAsync<ComponentTrapException>(() => handler.WaitAsync(Hang));
        Assert.Equal(TrapKind.Deadline, trap.Kind);
        Assert.True(source.Produced < 4 * MiB, $"{source.Produced} bytes were read although nothing was sent on");

        // What was written before the deadline is there, then the body ends with the failure, not quietly.
        var buffer = new byte[64 * 1024];
        long received = 0;
        var e = await Assert.ThrowsAsync<HttpBodyException>(async () =>
        {
            int n;
            while ((n = await response.Body.ReadAsync(buffer)) > 0) received += n;
        });
        Assert.Contains("deadline", e.Message);
        Assert.True(received > 0);
        Assert.True(response.Body.PeakBuffered <= BodyPipe.DefaultCapacity + 64 * 1024, $"the response buffer held {response.Body.PeakBuffered} bytes");
    }

    [Fact]
    public async Task A_trap_before_the_response_is_a_typed_outcome_and_the_next_request_gets_a_fresh_instance()
    {
        using var instance = Fixture("http-fail.wasm");
        Assert.Equal("ok", await ServeOk(instance));

        using (var exchange = new HttpExchange(Get("/trap")))
        {
            var handler = Serve(instance, exchange);
            var failed = await Failed(exchange);
            Assert.Equal(HttpFailureKind.Trap, failed.Kind);
            Assert.Equal(500, failed.StatusCode);
            Assert.Contains("unreachable", failed.Message);
            await Assert.ThrowsAsync<ComponentTrapException>(() => handler.WaitAsync(Hang));
        }

        Assert.Equal("ok", await ServeOk(instance));
        Assert.Equal(2, instance.Generation);
    }

    [Fact]
    public async Task A_guest_that_runs_past_its_deadline_is_a_deadline_outcome()
    {
        using var instance = Fixture("http-fail.wasm", new InstanceLimits { Timeout = TimeSpan.FromMilliseconds(300) });
        using var exchange = new HttpExchange(Get("/spin"));
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal(HttpFailureKind.Deadline, failed.Kind);
        Assert.Equal(504, failed.StatusCode);
        await Assert.ThrowsAsync<ComponentTrapException>(() => handler.WaitAsync(Hang));
        Assert.Equal("ok", await ServeOk(instance));
    }

    [Fact]
    public async Task An_error_code_set_by_the_guest_reaches_the_server_with_its_message()
    {
        using var instance = Fixture("http-fail.wasm");
        using var exchange = new HttpExchange(Get("/error"));
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal(HttpFailureKind.ErrorCode, failed.Kind);
        Assert.Equal(500, failed.StatusCode);
        Assert.Equal("internal-error", failed.ErrorCode!.Case);
        Assert.Equal("guest refuses", failed.ErrorCode.Message);
        await handler.WaitAsync(Hang); // an error response is a normal return
        Assert.Equal(1, instance.Generation);
    }

    [Fact]
    public async Task Returning_without_a_response_is_a_no_response_outcome()
    {
        using var instance = Fixture("http-fail.wasm");
        using var exchange = new HttpExchange(Get("/none"));
        var handler = Serve(instance, exchange);

        var failed = await Failed(exchange);
        Assert.Equal(HttpFailureKind.NoResponse, failed.Kind);
        await handler.WaitAsync(Hang);
    }

    [Fact]
    public async Task A_trap_after_the_response_fails_the_body_after_the_bytes_written_before_it()
    {
        using var instance = Fixture("http-fail.wasm");
        using var exchange = new HttpExchange(Get("/late-trap"));
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        Assert.Equal(202, response.Status);
        var (text, error) = await ReadUntilFailure(response.Body);
        Assert.Equal("partial", text);
        Assert.Contains("unreachable", error.Message);
        await Assert.ThrowsAsync<ComponentTrapException>(() => handler.WaitAsync(Hang));
        Assert.Equal("ok", await ServeOk(instance));
    }

    [Fact]
    public async Task A_body_dropped_without_finish_ends_in_an_error_not_a_short_body()
    {
        using var instance = Fixture("http-fail.wasm");
        using var exchange = new HttpExchange(Get("/unfinished"));
        var handler = Serve(instance, exchange);

        var response = await Responded(exchange);
        var (text, error) = await ReadUntilFailure(response.Body);
        Assert.Equal("partial", text);
        Assert.Contains("without finishing", error.Message);
        await handler.WaitAsync(Hang);
    }

    [Fact]
    public async Task A_client_that_goes_away_makes_the_guest_writes_fail()
    {
        using var instance = Fixture("http-echo.wasm");
        var exchange = new HttpExchange(new HttpRequestHead("POST", "http", "localhost", "/", []), new PatternStream(10L * MiB));
        var handler = Serve(instance, exchange);
        await Responded(exchange);

        exchange.Dispose();

        // The echo treats a failed write as a bug and traps: the point is that it is not left waiting.
        var trap = await Assert.ThrowsAsync<ComponentTrapException>(() => handler.WaitAsync(Hang));
        Assert.NotEqual(TrapKind.Deadline, trap.Kind);
    }

    [Fact]
    public async Task A_component_without_the_export_is_reported_to_the_exchange()
    {
        using var instance = new RecyclingInstance(WasiTestbed.Linker, WasiTestbed.Cache.LoadFile(TestPaths.Fixture("wat/types.wasm")));
        using var exchange = new HttpExchange(Get("/"));

        Assert.Throws<ExportNotFoundException>(() => IncomingHandler.Handle(instance, exchange));
        var failed = await Failed(exchange);
        Assert.Contains("incoming-handler", failed.Message);
    }

    [Fact]
    public async Task An_exchange_is_served_once_and_not_at_all_once_the_server_dropped_it()
    {
        using var instance = Fixture("http-fail.wasm");
        using (var exchange = new HttpExchange(Get("/ok")))
        {
            await Serve(instance, exchange).WaitAsync(Hang);
            Assert.Throws<InvalidOperationException>(() => IncomingHandler.Handle(instance, exchange));
        }

        var dropped = new HttpExchange(Get("/trap")); // would trap if it ran
        dropped.Dispose();
        await Serve(instance, dropped).WaitAsync(Hang);
        Assert.Equal(HttpFailureKind.NoResponse, (await Failed(dropped)).Kind);
        Assert.Equal(1, instance.Generation);
    }

    private static async Task<string> ServeOk(RecyclingInstance instance)
    {
        using var exchange = new HttpExchange(Get("/ok"));
        var handler = Serve(instance, exchange);
        var response = await Responded(exchange);
        Assert.Equal(200, response.Status);
        var text = await ReadText(response.Body);
        await handler.WaitAsync(Hang);
        return text;
    }

    private static async Task<(string Text, HttpBodyException Error)> ReadUntilFailure(Stream body)
    {
        var received = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer).AsTask().WaitAsync(Hang)) > 0) received.Write(buffer, 0, n);
        }
        catch (HttpBodyException e)
        {
            return (System.Text.Encoding.UTF8.GetString(received.ToArray()), e);
        }
        throw new Xunit.Sdk.XunitException($"the body ended normally after '{System.Text.Encoding.UTF8.GetString(received.ToArray())}'");
    }
}
