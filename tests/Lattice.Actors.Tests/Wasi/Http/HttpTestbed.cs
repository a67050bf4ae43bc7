using Lattice.Tests.Wasm;
using Lattice.Wasi;
using Lattice.Wasi.Http;
using Lattice.Wasm;

namespace Lattice.Tests.Wasi.Http;

/// <summary>How the HTTP tests serve requests: as a server would, with the guest on a thread of its own.</summary>
internal static class HttpTestbed
{
    /// <summary>A guard against hangs (a broken stream would otherwise block the test run), never a timing assertion.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    public const int MiB = 1024 * 1024;

    public static RecyclingInstance Fixture(string name, InstanceLimits? limits = null, IOutgoingHttp? outgoing = null) =>
        Instance(WasmHost.Cache.LoadFile(TestPaths.Fixture("wat/" + name)), limits, outgoing);

    public static RecyclingInstance Instance(WasmComponent component, InstanceLimits? limits = null, IOutgoingHttp? outgoing = null) =>
        new(WasiTestbed.Linker, component, limits, store =>
        {
            store.SetFeature(new WasiContext());
            if (outgoing is not null) WasiHttp.UseOutgoing(store, outgoing);
        });

    public static HttpRequestHead Get(string path, params HttpField[] headers) => new("GET", "http", "localhost", path, headers);

    /// <summary>Runs the guest's handler on a thread of its own (as the instance's actor would); the task fails with its trap.</summary>
    public static Task Serve(RecyclingInstance instance, HttpExchange exchange) =>
        Task.Factory.StartNew(() => IncomingHandler.Handle(instance, exchange), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static async Task<HttpOutcome> OutcomeOf(HttpExchange exchange) => await exchange.Outcome.WaitAsync(Hang);

    public static async Task<HttpResponded> Responded(HttpExchange exchange)
    {
        var outcome = await OutcomeOf(exchange);
        return outcome as HttpResponded ?? throw new Xunit.Sdk.XunitException($"expected a response, got {outcome}");
    }

    public static async Task<HttpHandlerFailed> Failed(HttpExchange exchange)
    {
        var outcome = await OutcomeOf(exchange);
        return outcome as HttpHandlerFailed ?? throw new Xunit.Sdk.XunitException($"expected a failure, got {outcome}");
    }

    public static async Task<string> ReadText(Stream body)
    {
        using var reader = new StreamReader(body);
        return await reader.ReadToEndAsync().WaitAsync(Hang);
    }

    public static string? Header(IReadOnlyList<HttpField> headers, string name) =>
        headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.ValueText).FirstOrDefault();
}

/// <summary>
/// A request body of any size made on the fly: byte i is a fixed function of i, so the receiver can check
/// every byte without either side holding the body. Reads block (it is a plain synchronous stream), and
/// <see cref="Produced"/> says how far the reader has got.
/// </summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;

    public long Produced => Interlocked.Read(ref _position);

    public static byte At(long i) => (byte)(i * 31 + (i >> 9) + (i >> 17));

    /// <summary>Checks that <paramref name="data"/> is the pattern from <paramref name="offset"/> on.</summary>
    public static void Verify(ReadOnlySpan<byte> data, long offset)
    {
        for (var k = 0; k < data.Length; k++)
            if (data[k] != At(offset + k))
                throw new Xunit.Sdk.XunitException($"byte {offset + k} is {data[k]}, expected {At(offset + k)}");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var start = Produced;
        var n = (int)Math.Min(count, length - start);
        for (var k = 0; k < n; k++) buffer[offset + k] = At(start + k);
        Interlocked.Add(ref _position, n);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => Produced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
