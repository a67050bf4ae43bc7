using System.Security.Cryptography;
using System.Text;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.WrpcTestTypes;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>Our wRPC client calling our wRPC server through a real nats-server (max_payload 64 KiB).</summary>
public sealed class WrpcRoundTripSpec(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private static readonly RecordType Point = new([new("x", WitType.S32), new("label", WitType.String), new("tags", new ListType(WitType.String))]);
    private static readonly VariantType Shape = new([new("none", null), new("circle", WitType.F64), new("points", new ListType(Point))]);
    private static readonly WitType[] EchoTypes =
    [
        WitType.Bool, WitType.U8, WitType.S8, WitType.U16, WitType.S16, WitType.U32, WitType.S32, WitType.U64, WitType.S64,
        WitType.F32, WitType.F64, WitType.Char, WitType.String, new ListType(WitType.String), new ListType(WitType.U32), Point, Shape,
        new EnumType(["red", "green", "blue"]), new FlagsType(["read", "write", "exec"]), new OptionType(WitType.U64),
        new ResultType(WitType.String, WitType.U32), new TupleType([WitType.U8, WitType.String]),
    ];

    private static readonly WrpcFunction Echo = new("lattice:test/echo@0.1.0", "all", EchoTypes, EchoTypes);
    private static readonly WrpcFunction Add = new("lattice:test/math@0.1.0", "add", [WitType.U32, WitType.U32], [WitType.U32]);
    private static readonly WrpcFunction Digest = new("lattice:test/blob@0.1.0", "digest", [new ListType(WitType.U8)], [WitType.U64, WitType.String]);
    private static readonly WrpcFunction Reverse = new("lattice:test/blob@0.1.0", "reverse", [new ListType(WitType.U8)], [new ListType(WitType.U8)]);
    private static readonly WrpcFunction Whoami = new("lattice:test/ctx@0.1.0", "whoami", [], [WitType.String, WitType.String, WitType.String]);
    private static readonly WrpcFunction Fail = new("lattice:test/ctx@0.1.0", "fail", [WitType.String], []);
    private static readonly WrpcFunction Notify = new("lattice:test/ctx@0.1.0", "notify", [WitType.String], []);
    private static readonly WrpcFunction Liar = new("lattice:test/ctx@0.1.0", "liar", [], [WitType.U8]);

    private static WitValue[] EchoValues() =>
    [
        WitValue.Bool(true), WitValue.U8(255), WitValue.S8(-128), WitValue.U16(65535), WitValue.S16(-300), WitValue.U32(4294967295), WitValue.S32(int.MinValue),
        WitValue.U64(ulong.MaxValue), WitValue.S64(long.MinValue), WitValue.F32(1.5f), WitValue.F64(-2.25), WitValue.Char(new Rune(0x1F600)),
        Str("héllo, wörld ✓"), WitValue.List([Str("a"), Str(""), Str("ccc")]), WitValue.List([WitValue.U32(0), WitValue.U32(300), WitValue.U32(624485)]),
        WitValue.Record(("x", WitValue.S32(-7)), ("label", Str("p")), ("tags", WitValue.List([Str("t1")]))),
        WitValue.Variant("points", WitValue.List([WitValue.Record(("x", WitValue.S32(1)), ("label", Str("q")), ("tags", WitValue.List([])))])),
        WitValue.Enum("green"), WitValue.Flags("read", "exec"), WitValue.Some(WitValue.U64(42)), WitValue.Err(WitValue.U32(7)),
        WitValue.Tuple(WitValue.U8(1), Str("one")),
    ];

    [SkippableFact]
    public async Task Scalars_strings_lists_records_variants_and_the_rest_round_trip()
    {
        var nats = fixture.Require();
        await using var pair = await WrpcPair.StartAsync(nats,
        [
            new WrpcExport(Echo, (call, _) => new ValueTask<IReadOnlyList<WitValue>>(call.Params)),
            new WrpcExport(Add, (call, _) => Results(WitValue.U32(call.Params[0].AsU32() + call.Params[1].AsU32()))),
        ]);

        var sent = EchoValues();
        var back = await pair.Client.InvokeAsync(pair.Prefix, Echo, sent);
        Assert.Equal(EchoTypes.Length, back.Length);
        for (var i = 0; i < EchoTypes.Length; i++) Same(EchoTypes[i], sent[i], back[i]);

        var sum = await pair.Client.InvokeAsync(pair.Prefix, Add, [WitValue.U32(40), WitValue.U32(2)]);
        Assert.Equal(42u, sum[0].AsU32());

        // Variant cases with and without payload, and the other option/result arms.
        var other = EchoValues();
        other[16] = WitValue.Variant("none");
        other[19] = WitValue.None;
        other[20] = WitValue.Ok(Str("fine"));
        back = await pair.Client.InvokeAsync(pair.Prefix, Echo, other);
        for (var i = 0; i < EchoTypes.Length; i++) Same(EchoTypes[i], other[i], back[i]);
    }

    [SkippableFact]
    public async Task A_2_MiB_argument_and_result_are_chunked_to_max_payload_and_arrive_whole()
    {
        var nats = fixture.Require();
        await using var pair = await WrpcPair.StartAsync(nats,
        [
            new WrpcExport(Digest, (call, _) =>
            {
                var bytes = call.Params[0].AsBytes();
                return Results(WitValue.U64((ulong)bytes.Length), Str(Convert.ToHexStringLower(SHA256.HashData(bytes.Span))));
            }),
            new WrpcExport(Reverse, (call, _) =>
            {
                var bytes = call.Params[0].AsBytes().ToArray();
                Array.Reverse(bytes);
                return Results(WitValue.Bytes(bytes));
            }),
        ]);
        // A third connection watches every message, to see that none exceeds max_payload and that the params really were split.
        await using var spyNats = await nats.ConnectAsync("spy");
        await using var spy = await RawInbox.SubscribeAsync(spyNats, ">");

        var data = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var digest = await pair.Client.InvokeAsync(pair.Prefix, Digest, [WitValue.Bytes(data)]);
        Assert.Equal((ulong)data.Length, digest[0].AsU64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest[1].AsString());

        var reversed = await pair.Client.InvokeAsync(pair.Prefix, Reverse, [WitValue.Bytes(data)]);
        Array.Reverse(data);
        Assert.True(data.AsSpan().SequenceEqual(reversed[0].AsBytes().Span), "the reversed 2 MiB came back different");

        var invocation = await spy.NextAsync(Digest.SubjectFor(pair.Prefix));
        Assert.InRange(invocation.Data!.Length, NatsTestServer.DefaultMaxPayload - 200, NatsTestServer.DefaultMaxPayload);
        await Task.Delay(200); // let the spy catch up with the tail of the second call
        var spied = 0;
        while (spy.TryNextAny(out var msg))
        {
            spied++;
            Assert.True((msg.Data?.Length ?? 0) <= NatsTestServer.DefaultMaxPayload, $"a {msg.Data?.Length}-byte message on {msg.Subject}");
        }
        // 2 × 2 MiB of params and 2 MiB of results in 64 KiB messages: well over 90 messages.
        Assert.True(spied > 90, $"only {spied} messages were seen");
    }

    [SkippableFact]
    public async Task A_streamed_http_body_goes_both_ways_while_the_handler_runs()
    {
        var nats = fixture.Require();
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var trailersSeen = new TaskCompletionSource<WitValue?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = await WrpcPair.StartAsync(nats,
        [
            new WrpcExport(HttpHandle, async (call, ct) =>
            {
                var request = (WitRecord)call.Params[0];
                // The response body streams the request body back in upper case as it arrives.
                var body = (WrpcStream)request["body"];
                var upper = UpperCase(call.ReadStreamAsync(body, ct), received);
                var trailers = WrpcOutgoing.Future(async c =>
                {
                    trailersSeen.TrySetResult(await call.ReadFutureAsync((WrpcFuture)request["trailers"], c));
                    return WitValue.Some(WitValue.List([Header("x-checked", "yes")]));
                });
                var response = WitValue.Record(("body", WrpcOutgoing.Stream(upper)), ("trailers", trailers), ("status", WitValue.U16(200)),
                    ("headers", WitValue.List([Header("content-type", "text/plain")])));
                return [WitValue.Ok(response)];
            }),
        ]);

        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i} of the body\n"));
        var bodyBytes = Encoding.ASCII.GetBytes(text); // ~400 KiB: several chunks at 64 KiB
        var request = WitValue.Record(("body", WrpcOutgoing.Bytes(new MemoryStream(bodyBytes))),
            ("trailers", WrpcOutgoing.Future(_ => new ValueTask<WitValue?>(WitValue.None))), ("method", WitValue.Variant("post")),
            ("path-with-query", WitValue.Some(Str("/upper"))), ("scheme", WitValue.Some(WitValue.Variant("HTTP"))),
            ("authority", WitValue.Some(Str("localhost"))), ("headers", WitValue.List([Header("host", "localhost")])));

        await using var call = await pair.Client.CallAsync(pair.Prefix, HttpHandle, [request]);
        var result = (WitResult)call.Results[0];
        Assert.True(result.IsOk);
        var response = (WitRecord)result.Payload!;
        Assert.Equal((ushort)200, (ushort)((WitPrimitive)response["status"]).Bits);
        Assert.True(call.HasPendingResults);

        using var responseBody = new MemoryStream();
        await using (var stream = call.OpenByteStream((WrpcStream)response["body"])) await stream.CopyToAsync(responseBody);
        Assert.Equal(text.ToUpperInvariant(), Encoding.ASCII.GetString(responseBody.ToArray()));
        Assert.Equal(bodyBytes, await received.Task);

        var trailers = await call.ReadFutureAsync((WrpcFuture)response["trailers"]);
        Same(Trailers.Element!, WitValue.Some(WitValue.List([Header("x-checked", "yes")])), trailers!);
        Assert.False(((WitOption)(await trailersSeen.Task)!).IsSome);
        await call.ParamsSent;
    }

    private static async IAsyncEnumerable<WitValue> UpperCase(IAsyncEnumerable<WitValue> chunks, TaskCompletionSource<byte[]> all)
    {
        var seen = new MemoryStream();
        await foreach (var chunk in chunks)
        {
            var bytes = chunk.AsBytes();
            seen.Write(bytes.Span);
            yield return WitValue.Bytes(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(bytes.Span).ToUpperInvariant()));
        }
        all.TrySetResult(seen.ToArray());
    }

    [SkippableFact]
    public async Task Nothing_serving_the_function_is_a_typed_not_found()
    {
        var nats = fixture.Require();
        await using var pair = await WrpcPair.StartAsync(nats, [new WrpcExport(Add, (call, _) => Results(WitValue.U32(0)))]);
        var unserved = new WrpcFunction("lattice:test/math@0.1.0", "subtract", [WitType.U32, WitType.U32], [WitType.U32]);

        var e = await Assert.ThrowsAsync<WrpcNotFoundException>(() => pair.Client.InvokeAsync(pair.Prefix, unserved, [WitValue.U32(1), WitValue.U32(2)]));
        Assert.Equal($"{pair.Prefix}.wrpc.0.0.1.lattice:test/math@0.1.0.subtract", e.Subject);
        await Assert.ThrowsAsync<WrpcNotFoundException>(() => pair.Client.InvokeAsync("default.nobody", Add, [WitValue.U32(1), WitValue.U32(2)]));
        // The served function still answers on the same client.
        Assert.Equal(0u, (await pair.Client.InvokeAsync(pair.Prefix, Add, [WitValue.U32(1), WitValue.U32(2)]))[0].AsU32());
    }

    [SkippableFact]
    public async Task A_server_that_never_answers_or_never_finishes_times_out()
    {
        var nats = fixture.Require();
        await using var clientNats = await nats.ConnectAsync();
        await using var silentNats = await nats.ConnectAsync();
        await using var client = new WrpcClient(clientNats, new WrpcClientOptions { Timeout = TimeSpan.FromMilliseconds(500) });

        // Subscribed (so no 503) but never answers the handshake.
        await using var silent = await RawInbox.SubscribeAsync(silentNats, Add.SubjectFor("default.silent"));
        var e = await Assert.ThrowsAsync<WrpcTimeoutException>(() => client.InvokeAsync("default.silent", Add, [WitValue.U32(1), WitValue.U32(2)]));
        Assert.Contains("no handshake", e.Message);

        // Answers the handshake, then sends half a result and goes quiet.
        await using var halfway = await RawInbox.SubscribeAsync(silentNats, Digest.SubjectFor("default.halfway"));
        var call = client.InvokeAsync("default.halfway", Digest, [WitValue.Bytes(new byte[] { 1 })]);
        var first = await halfway.NextAnyAsync();
        await silentNats.PublishAsync(first.ReplyTo!, replyTo: first.ReplyTo + ".server");
        await silentNats.PublishAsync(first.ReplyTo + ".results", new byte[] { 0x80 });
        e = await Assert.ThrowsAsync<WrpcTimeoutException>(() => call);
        Assert.Contains("no results", e.Message);
    }

    [SkippableFact]
    public async Task The_handler_sees_the_callers_headers()
    {
        var nats = fixture.Require();
        await using var pair = await WrpcPair.StartAsync(nats,
            [new WrpcExport(Whoami, (call, _) => Results(Str(call.SourceId ?? "-"), Str(call.LinkName ?? "-"), Str(call.TraceParent ?? "-")))]);
        const string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var with = await pair.Client.InvokeAsync(pair.Prefix, Whoami, [], WrpcHeaders.Create("kvcounter", "default", trace));
        Assert.Equal(["kvcounter", "default", trace], with.Select(v => v.AsString()));
        var without = await pair.Client.InvokeAsync(pair.Prefix, Whoami, []);
        Assert.Equal(["-", "-", "-"], without.Select(v => v.AsString()));
    }

    [SkippableFact]
    public async Task A_failing_handler_and_results_that_do_not_fit_reach_the_caller_as_one_clear_line()
    {
        var nats = fixture.Require();
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = await WrpcPair.StartAsync(nats,
        [
            new WrpcExport(Fail, (call, _) => throw new InvalidOperationException($"cannot do '{call.Params[0].AsString()}'\nsecond line")),
            new WrpcExport(Notify, (call, _) =>
            {
                notified.TrySetResult(call.Params[0].AsString());
                return Results();
            }),
            new WrpcExport(Liar, (_, _) => Results(Str("not a u8"))),
        ]);

        var failed = await Assert.ThrowsAsync<WrpcRemoteException>(() => pair.Client.InvokeAsync(pair.Prefix, Fail, [Str("that")]));
        Assert.Contains("lattice:test/ctx@0.1.0.fail failed: cannot do 'that' second line", failed.Message);

        // A function without results returns once the server finished it.
        Assert.Empty(await pair.Client.InvokeAsync(pair.Prefix, Notify, [Str("hi")]));
        Assert.Equal("hi", await notified.Task);

        var liar = await Assert.ThrowsAsync<WrpcRemoteException>(() => pair.Client.InvokeAsync(pair.Prefix, Liar, []));
        Assert.Contains("returned results that do not fit its types: results[0]: expected u8, got string", liar.Message);

        // Params that do not fit are refused before anything is sent.
        await Assert.ThrowsAsync<WrpcEncodeException>(() => pair.Client.InvokeAsync(pair.Prefix, Add, [WitValue.U32(1)]));
        var missing = await Assert.ThrowsAsync<WrpcEncodeException>(() => pair.Client.InvokeAsync(pair.Prefix, HttpHandle, [WitValue.Record(
            ("body", WrpcStream.Pending()), ("trailers", WrpcFuture.Ready(WitValue.None)), ("method", WitValue.Variant("get")), ("path-with-query", WitValue.None),
            ("scheme", WitValue.None), ("authority", WitValue.None), ("headers", WitValue.List([])))]));
        Assert.Contains("needs its data", missing.Message);
    }

    [SkippableFact]
    public async Task A_queue_group_runs_each_call_once_across_two_servers()
    {
        var nats = fixture.Require();
        var counts = new int[2];
        var prefix = WrpcSubjects.Prefix("default", "shared");
        await using var aNats = await nats.ConnectAsync();
        await using var bNats = await nats.ConnectAsync();
        await using var cNats = await nats.ConnectAsync();
        await using var a = new WrpcServer(aNats);
        await using var b = new WrpcServer(bNats);
        await using var servingA = await a.ServeAsync(prefix, [new WrpcExport(Add, (call, _) => { Interlocked.Increment(ref counts[0]); return Results(WitValue.U32(1)); })], prefix);
        await using var servingB = await b.ServeAsync(prefix, [new WrpcExport(Add, (call, _) => { Interlocked.Increment(ref counts[1]); return Results(WitValue.U32(2)); })], prefix);
        await using var client = new WrpcClient(cNats);

        var answers = new List<uint>();
        for (var i = 0; i < 60; i++) answers.Add((await client.InvokeAsync(prefix, Add, [WitValue.U32(0), WitValue.U32(0)]))[0].AsU32());

        Assert.Equal(60, counts[0] + counts[1]);
        Assert.Equal(counts[0], answers.Count(x => x == 1));
        Assert.True(counts[0] > 0 && counts[1] > 0, $"one server took every call ({counts[0]}/{counts[1]})");
    }

    [SkippableFact]
    public async Task Many_concurrent_calls_share_one_inbox_and_leave_nothing_open()
    {
        var nats = fixture.Require();
        await using var pair = await WrpcPair.StartAsync(nats, [new WrpcExport(Add, async (call, ct) =>
        {
            await Task.Yield();
            return [WitValue.U32(call.Params[0].AsU32() + call.Params[1].AsU32())];
        })]);

        var calls = Enumerable.Range(0, 300).Select(async i => (i, (await pair.Client.InvokeAsync(pair.Prefix, Add, [WitValue.U32((uint)i), WitValue.U32(1000)]))[0].AsU32()));
        foreach (var (i, sum) in await Task.WhenAll(calls)) Assert.Equal((uint)i + 1000, sum);

        await WaitUntil(() => pair.Server.ActiveInvocations == 0 && pair.Server.OpenMailboxes == 0);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
