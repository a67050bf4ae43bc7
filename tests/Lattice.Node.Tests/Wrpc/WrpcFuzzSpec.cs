using System.Collections.Concurrent;
using System.Text;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Xunit.Abstractions;
using static Lattice.Node.Tests.Wrpc.WrpcTestTypes;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// Thousands of invocations with random and mutated params (and async data, and stray messages) sent
/// to our server by a raw NATS driver that follows the framing: every one must end with results or
/// with one clear error line, none may hang, nothing may reach past its own invocation, and the
/// server must serve normally afterwards with nothing left open.
/// </summary>
public sealed class WrpcFuzzSpec(NatsFixture fixture, ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    private const int Invocations = 25_000; // about 100k frames
    private const int Parallel = 48;
    private const string Prefix = "default.fuzzed";

    private static readonly RecordType Rec = new([new("a", WitType.U32), new("b", WitType.String), new("c", new ListType(new OptionType(WitType.S64)))]);
    private static readonly VariantType Var = new([new("x", null), new("y", WitType.F64), new("z", new ListType(WitType.Char))]);
    private static readonly FlagsType Flags10 = new([.. Enumerable.Range(0, 10).Select(i => $"f{i}")]);
    private static readonly EnumType Enum3 = new(["p", "q", "r"]);
    private static readonly WitType[] MixedTypes =
        [Rec, Var, Flags10, Enum3, new TupleType([WitType.Bool, WitType.U16, WitType.S8]), new ResultType(WitType.String, new ListType(WitType.U8))];
    private static readonly WrpcFunction Mixed = new("lattice:fuzz/mixed@0.1.0", "echo", MixedTypes, MixedTypes);
    private static readonly WrpcFunction Ping = new("lattice:fuzz/mixed@0.1.0", "ping", [], [WitType.String]);

    [SkippableFact]
    public async Task Thousands_of_random_and_mutated_invocations_never_crash_or_hang_the_server()
    {
        var nats = fixture.Require();
        var log = new Collecting();
        await using var serverNats = await nats.ConnectAsync("fuzzed-server");
        await using var server = new WrpcServer(serverNats, new WrpcServerOptions { IdleTimeout = TimeSpan.FromSeconds(2), Logger = log });
        await using var serving = await server.ServeAsync(Prefix, Exports(), queueGroup: Prefix);
        await using var driverNats = await nats.ConnectAsync("fuzz-driver");
        await using var inbox = await RawInbox.SubscribeAsync(driverNats, "_INBOX.fuzz.>");

        // Calls without a reply subject cannot be answered: they must only be dropped.
        var junk = new Random(7);
        foreach (var f in new[] { KvGet, Mixed, HttpHandle, Ping })
            for (var i = 0; i < 100; i++) await driverNats.PublishAsync(f.SubjectFor(Prefix), Bytes(junk, junk.Next(0, 40)));

        var frames = 0;
        var outcomes = new ConcurrentDictionary<string, int>();
        var gate = new SemaphoreSlim(Parallel);
        var runs = Enumerable.Range(0, Invocations).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var (outcome, sent) = await InvokeAsync(driverNats, inbox, i);
                Interlocked.Add(ref frames, sent);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
            finally { gate.Release(); }
        });
        await Task.WhenAll(runs);

        var summary = string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"));
        output.WriteLine($"{frames} frames: {summary}");
        Assert.True(frames >= 100_000, $"only {frames} frames were sent ({summary})");
        Assert.True(outcomes.GetValueOrDefault("results") > Invocations / 20, summary);
        Assert.True(outcomes.GetValueOrDefault("results (unmutated)") > Invocations / 20, summary);
        Assert.True(outcomes.GetValueOrDefault("error") > Invocations / 4, summary);
        Assert.Equal(Invocations, outcomes.Values.Sum());
        Assert.Empty(log.Errors);

        // The server still serves, and nothing of the fuzzing is left open.
        await using var clientNats = await nats.ConnectAsync("after");
        await using var client = new WrpcClient(clientNats);
        Assert.Equal("pong", (await client.InvokeAsync(Prefix, Ping, []))[0].AsString());
        var kv = (WitResult)(await client.InvokeAsync(Prefix, KvGet, [Str("b"), Str("k")]))[0];
        Assert.Equal("k", Encoding.UTF8.GetString(((WitOption)kv.Payload!).Value!.AsBytes().Span));
        await WrpcRoundTripSpec.WaitUntil(() => server.ActiveInvocations == 0 && server.OpenMailboxes == 0);
    }

    private static IEnumerable<WrpcExport> Exports() =>
    [
        new(KvGet, (call, _) => Results(WitValue.Ok(WitValue.Some(WitValue.Bytes(Encoding.UTF8.GetBytes(call.Params[1].AsString())))))),
        new(Mixed, (call, _) => new ValueTask<IReadOnlyList<WitValue>>(call.Params)),
        new(Ping, (_, _) => Results(Str("pong"))),
        new(HttpHandle, async (call, ct) =>
        {
            var request = (WitRecord)call.Params[0];
            await using (var body = call.OpenByteStream((WrpcStream)request["body"])) await body.CopyToAsync(Stream.Null, ct);
            await call.ReadFutureAsync((WrpcFuture)request["trailers"], ct);
            return [WitValue.Ok(WitValue.Record(("body", WrpcOutgoing.Bytes("ok"u8.ToArray())), ("trailers", WrpcFuture.Ready(WitValue.None)),
                ("status", WitValue.U16(200)), ("headers", WitValue.List([]))))];
        }),
    ];

    // One invocation, framed as the protocol says, with a mutated payload. Returns how it ended and how many frames it took.
    private static async Task<(string Outcome, int Frames)> InvokeAsync(NatsConnection nats, RawInbox inbox, int i)
    {
        var random = new Random(i);
        var (function, seed) = Seed(random);
        var payload = Mutate(random, seed, out var mutated);
        var rc = $"_INBOX.fuzz.{i}";
        var frames = 0;

        var cut = random.Next(0, payload.Length + 1);
        await nats.PublishAsync(function.SubjectFor(Prefix), payload[..cut], replyTo: rc);
        frames++;
        var rs = (await inbox.NextAsync(rc, 15)).ReplyTo!;
        Assert.StartsWith("_INBOX.", rs);

        if (function == HttpHandle)
        {
            // Body and trailers: valid data, random bytes, or nothing but the end.
            frames += await SendAsync(nats, rs + ".params.0.0", random, random.Next(3) switch { 0 => Chunked(random), 1 => Bytes(random, random.Next(1, 30)), _ => [] });
            frames += await SendAsync(nats, rs + ".params.0.1", random, random.Next(3) switch { 0 => [0], 1 => Bytes(random, random.Next(1, 10)), _ => [] });
        }
        if (random.Next(10) == 0)
        {
            // Stray messages: an async path nobody announced, an unknown subject, a mailbox that does not exist.
            await nats.PublishAsync(rs + ".params.7.3", Bytes(random, 5));
            await nats.PublishAsync(rs + ".bogus", Bytes(random, 5));
            await nats.PublishAsync(rs[..rs.LastIndexOf('.')] + ".ffffffff.params", Bytes(random, 5));
            frames += 3;
        }
        // Now and then the client never ends its params: unless the first message held them all, the server must give up on its own.
        var silent = random.Next(400) == 0;
        if (!silent) frames += await SendAsync(nats, rs + ".params", random, payload[cut..]);

        var (results, messages) = await inbox.ReadToEndAsync(rc + ".results", 15);
        if (messages[^1].Headers?.TryGetLastValue(WrpcHeaders.Error, out var error) == true)
        {
            Assert.False(string.IsNullOrWhiteSpace(error));
            Assert.InRange(error.Length, 1, 1024);
            Assert.DoesNotContain('\n', error);
            Assert.True(error.StartsWith("bad params for ") || error.StartsWith("the params for ") || error.Contains(" failed: "),
                $"unexpected error line for case {i}: {error}");
            Assert.Empty(results);
            return ("error", frames);
        }
        Assert.NotEmpty(results);
        if (function == HttpHandle)
        {
            // ok(response): body pending, trailers ready none, 200, no headers.
            Assert.Equal("00000100c80100", Convert.ToHexStringLower(results));
            Assert.Equal("ok", Encoding.UTF8.GetString(WrpcSpecClientSpec.Unchunk((await inbox.ReadToEndAsync(rc + ".results.0.0", 15)).Bytes)));
        }
        return (mutated ? "results" : "results (unmutated)", frames);
    }

    private static async Task<int> SendAsync(NatsConnection nats, string subject, Random random, byte[] data)
    {
        var frames = 0;
        for (var at = 0; at < data.Length;)
        {
            var n = Math.Min(data.Length - at, random.Next(1, 64));
            await nats.PublishAsync(subject, data[at..(at + n)]);
            at += n;
            frames++;
        }
        await nats.PublishAsync(subject);
        return frames + 1;
    }

    private static (WrpcFunction, byte[]) Seed(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return (KvGet, Encode(KvGet.Params, [Str(Text(random)), Str(Text(random))]));
            case 1:
                WitValue[] values =
                [
                    WitValue.Record(("a", WitValue.U32((uint)random.Next())), ("b", Str(Text(random))),
                        ("c", WitValue.List([.. Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(2) == 0 ? WitValue.None : WitValue.Some(WitValue.S64(random.NextInt64(long.MinValue, long.MaxValue))))]))),
                    random.Next(3) switch
                    {
                        0 => WitValue.Variant("x"),
                        1 => WitValue.Variant("y", WitValue.F64(random.NextDouble())),
                        _ => WitValue.Variant("z", WitValue.List([WitValue.Char(new Rune('é')), WitValue.Char(new Rune(0x1F600))])),
                    },
                    WitValue.Flags([.. Flags10.Names.Where(_ => random.Next(2) == 0)]), WitValue.Enum(Enum3.Names[random.Next(3)]),
                    WitValue.Tuple(WitValue.Bool(random.Next(2) == 0), WitValue.U16((ushort)random.Next(65536)), WitValue.S8((sbyte)random.Next(-128, 128))),
                    random.Next(2) == 0 ? WitValue.Ok(Str(Text(random))) : WitValue.Err(WitValue.Bytes(Bytes(random, random.Next(8)))),
                ];
                return (Mixed, Encode(MixedTypes, values));
            case 2:
                return (Ping, []);
            default:
                var request = WitValue.Record(("body", WrpcStream.Pending()), ("trailers", WrpcFuture.Pending()), ("method", WitValue.Variant("get")),
                    ("path-with-query", WitValue.Some(Str("/" + Text(random)))), ("scheme", WitValue.Some(WitValue.Variant("HTTPS"))),
                    ("authority", WitValue.None), ("headers", WitValue.List([Header("h", Text(random))])));
                return (HttpHandle, Encode(HttpHandle.Params, [request]));
        }
    }

    private static byte[] Mutate(Random random, byte[] seed, out bool mutated)
    {
        mutated = true;
        var bytes = seed.ToList();
        switch (random.Next(8))
        {
            case 0:
                mutated = false;
                break;
            case 1: // flip bits
                for (var k = random.Next(1, 4); k > 0 && bytes.Count > 0; k--) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 2: // truncate
                if (bytes.Count > 0)
                {
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                }
                break;
            case 3: // trailing garbage
                bytes.AddRange(Bytes(random, random.Next(1, 16)));
                break;
            case 4: // a huge LEB128 length or count somewhere
                bytes.InsertRange(random.Next(bytes.Count + 1), random.Next(2) == 0 ? [0xff, 0xff, 0xff, 0xff, 0x0f] : [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
                break;
            case 5: // overwrite a range with random bytes
                for (var k = random.Next(1, 6); k > 0 && bytes.Count > 0; k--) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 6: // a tag byte no type allows
                if (bytes.Count > 0) bytes[random.Next(bytes.Count)] = (byte)random.Next(2, 256);
                break;
            default: // nothing of the seed at all
                return Bytes(random, random.Next(0, 48));
        }
        return [.. bytes];
    }

    private static byte[] Encode(IReadOnlyList<WitType> types, WitValue[] values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        WrpcEncoder.EncodeValues(buffer, types, values);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Chunked(Random random)
    {
        var data = new List<byte>();
        for (var k = random.Next(0, 3); k > 0; k--)
        {
            var chunk = Bytes(random, random.Next(1, 20));
            data.Add((byte)chunk.Length);
            data.AddRange(chunk);
        }
        data.Add(0);
        return [.. data];
    }

    private static byte[] Bytes(Random random, int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Text(Random random) => new([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next('a', 'z' + 1))]);

    /// <summary>Collects error-level log entries: the server must never log one for bad input.</summary>
    private sealed class Collecting : ILogger
    {
        public ConcurrentQueue<string> Errors { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error) Errors.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
