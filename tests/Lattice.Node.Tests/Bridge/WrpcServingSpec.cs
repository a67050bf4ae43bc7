using System.Text;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Node.Tests.Wrpc;
using Lattice.Wit;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A `lattice up --nats` host serves the lattice's components over wRPC, as a wasmCloud host would:
/// a client written from the protocol spec (raw NATS, its own encoder) and our WrpcClient call
/// bench.wasm's root `add` and types.wasm's interface functions through a nats-server whose
/// max_payload (64 KiB) makes a 2 MiB argument travel in chunks both ways.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class WrpcServingSpec(ServingHost fixture) : IClassFixture<ServingHost>
{
    private const string Types = "lattice:fixtures/types";

    private static WrpcFunction TypesFn(string name, WitType type) => new(Types, name, [type], [type]);

    [SkippableFact]
    public async Task A_spec_client_calls_a_root_export_and_an_interface_export_byte_for_byte()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("spec-client");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.serving.>");

        Assert.Equal("05", ToHex(await inbox.CallAsync(connection, "default.bench.wrpc.0.0.1.add", "_INBOX.serving.a1", New().U(2).U(3).ToArray())));
        Assert.Equal(ToHex(New().Str("héllo wRPC").ToArray()),
            ToHex(await inbox.CallAsync(connection, $"default.types.wrpc.0.0.1.{Types}.echo-string", "_INBOX.serving.a2", New().Str("héllo wRPC").ToArray())));
        // record point { x: s32, y: s32, label: string }: small non-negative s32 are one LEB128 byte.
        var point = New().U(3).U(4).Str("p").ToArray();
        Assert.Equal(ToHex(point), ToHex(await inbox.CallAsync(connection, $"default.types.wrpc.0.0.1.{Types}.echo-record", "_INBOX.serving.a3", point)));
        // variant shape { circle(f32), rect(point), empty }: case 1 carries a point.
        var rect = New().U(1).U(5).U(6).Str("r").ToArray();
        Assert.Equal(ToHex(rect), ToHex(await inbox.CallAsync(connection, $"default.types.wrpc.0.0.1.{Types}.echo-variant", "_INBOX.serving.a4", rect)));
        var list = New().U(2).Str("a").Str("bc").ToArray();
        Assert.Equal(ToHex(list), ToHex(await inbox.CallAsync(connection, $"default.types.wrpc.0.0.1.{Types}.echo-list", "_INBOX.serving.a5", list)));
    }

    [SkippableFact]
    public async Task A_spec_client_sends_and_gets_a_2_MiB_list_in_chunks()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("spec-client-big");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.servingbig.>");
        var data = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var encoded = New().Bytes(data).ToArray();

        const string rc = "_INBOX.servingbig.b1";
        const int chunk = 60_000;
        await connection.PublishAsync($"default.types.wrpc.0.0.1.{Types}.echo-bytes", encoded[..chunk], replyTo: rc);
        var rs = (await inbox.NextAsync(rc, 30)).ReplyTo!;
        for (var at = chunk; at < encoded.Length; at += chunk)
            await connection.PublishAsync(rs + ".params", encoded[at..Math.Min(at + chunk, encoded.Length)]);
        await connection.PublishAsync(rs + ".params");
        var (results, messages) = await inbox.ReadToEndAsync(rc + ".results", 60);
        Assert.True(messages.Count > encoded.Length / nats.MaxPayload, $"{messages.Count} result messages");
        Assert.Equal(encoded, results);
    }

    [SkippableFact]
    public async Task Our_client_calls_scalars_strings_lists_records_and_variants()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("wrpc-client");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var bench = WrpcSubjects.Prefix("default", "bench");
        var types = WrpcSubjects.Prefix("default", "types");

        var sum = await client.InvokeAsync(bench, new WrpcFunction("", "add", [WitType.U32, WitType.U32], [WitType.U32]), [WitValue.U32(40), WitValue.U32(2)]);
        Assert.Equal(42u, sum.Single().AsU32());

        Assert.Equal(-7L, (await client.InvokeAsync(types, TypesFn("echo-s64", WitType.S64), [WitValue.S64(-7)])).Single().AsS64());
        Assert.Equal("ünïcode ✓", (await client.InvokeAsync(types, TypesFn("echo-string", WitType.String), [WitValue.String("ünïcode ✓")])).Single().AsString());

        var strings = new ListType(WitType.String);
        var echoed = (WitList)(await client.InvokeAsync(types, TypesFn("echo-list", strings), [WitValue.List([WitValue.String("x"), WitValue.String("yz")])])).Single();
        Assert.Equal(["x", "yz"], echoed.Items.Select(i => i.AsString()));

        var pointType = new RecordType([new("x", WitType.S32), new("y", WitType.S32), new("label", WitType.String)]);
        var point = (WitRecord)(await client.InvokeAsync(types, TypesFn("echo-record", pointType),
            [WitValue.Record(("x", WitValue.S32(-100_000)), ("y", WitValue.S32(9)), ("label", WitValue.String("p")))])).Single();
        Assert.Equal(-100_000, point["x"].AsS32());
        Assert.Equal("p", point["label"].AsString());

        var shapeType = new VariantType([new("circle", WitType.F32), new("rect", pointType), new("empty", null)]);
        var circle = (WitVariant)(await client.InvokeAsync(types, TypesFn("echo-variant", shapeType), [WitValue.Variant("circle", WitValue.F32(1.5f))])).Single();
        Assert.Equal("circle", circle.Case);
        Assert.Equal("1.5", WitJson.ToJson(circle.Payload, WitType.F32));
        var empty = (WitVariant)(await client.InvokeAsync(types, TypesFn("echo-variant", shapeType), [WitValue.Variant("empty")])).Single();
        Assert.Equal("empty", empty.Case);
    }

    [SkippableFact]
    public async Task Our_client_sends_a_2_MiB_byte_list_and_gets_it_back()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("wrpc-client-big");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(60) });
        var data = new byte[2 * 1024 * 1024 + 3];
        new Random(11).NextBytes(data);
        var bytes = new ListType(WitType.U8);
        var back = (await client.InvokeAsync(WrpcSubjects.Prefix("default", "types"), TypesFn("echo-bytes", bytes), [WitValue.Bytes(data)])).Single();
        Assert.Equal(data, back.AsBytes().ToArray());
    }

    [SkippableFact]
    public async Task A_component_or_function_the_lattice_does_not_have_gets_no_responders()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("wrpc-client-missing");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(10) });
        var add = new WrpcFunction("", "add", [WitType.U32, WitType.U32], [WitType.U32]);
        await Assert.ThrowsAsync<WrpcNotFoundException>(() => client.InvokeAsync(WrpcSubjects.Prefix("default", "no-such-component"), add, [WitValue.U32(1), WitValue.U32(2)]));
        var sub = new WrpcFunction("", "sub", [WitType.U32, WitType.U32], [WitType.U32]);
        await Assert.ThrowsAsync<WrpcNotFoundException>(() => client.InvokeAsync(WrpcSubjects.Prefix("default", "bench"), sub, [WitValue.U32(1), WitValue.U32(2)]));
    }

    [SkippableFact]
    public async Task A_link_to_a_target_outside_the_lattice_is_called_over_wRPC()
    {
        var nats = fixture.Require();
        await using var serverNats = await nats.ConnectAsync("external-adder");
        await using var server = new WrpcServer(serverNats);
        var headers = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var add = new WrpcFunction(Types, "add", [WitType.U32, WitType.U32], [WitType.U32]);
        var prefix = WrpcSubjects.Prefix("default", "external-adder");
        // Not a plain sum, so the answer shows it came from here.
        await using var serving = await server.ServeAsync(prefix, [new WrpcExport(add, (call, _) =>
        {
            headers.TrySetResult($"{call.SourceId} {call.LinkName}");
            return ValueTask.FromResult<IReadOnlyList<WitValue>>([WitValue.U32(call.Params[0].AsU32() + call.Params[1].AsU32() + 1000)]);
        })], queueGroup: prefix);
        Ops.Json(fixture.Host, "component", "start", "caller", TestPaths.Fixture("wat/caller.wasm"));
        Ops.Json(fixture.Host, "link", "put", "caller", "external-adder", "lattice:fixtures/types");

        await using var clientNats = await nats.ConnectAsync("caller-client");
        await using var client = new WrpcClient(clientNats, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var addTwice = new WrpcFunction("", "add-twice", [WitType.U32, WitType.U32], [WitType.U32]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        WitValue[] result;
        while (true)
        {
            try
            {
                result = await client.InvokeAsync(WrpcSubjects.Prefix("default", "caller"), addTwice, [WitValue.U32(2), WitValue.U32(3)]);
                break;
            }
            catch (WrpcNotFoundException) when (DateTime.UtcNow < deadline) { await Task.Delay(200); }
        }
        // add-twice(a, b) = add(add(a, b), b), each add answered by the external server: (2+3+1000)+3+1000.
        Assert.Equal(2008u, result.Single().AsU32());
        Assert.Equal("caller default", await headers.Task);
    }

    [SkippableFact]
    public async Task A_trap_in_the_component_ends_the_call_with_a_wRPC_error_that_says_so()
    {
        var nats = fixture.Require();
        Ops.Json(fixture.Host, "component", "start", "trapper", TestPaths.Fixture("wat/unreachable.wasm"));
        await using var connection = await nats.ConnectAsync("trap-client");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var prefix = WrpcSubjects.Prefix("default", "trapper");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                Assert.Equal(7u, (await client.InvokeAsync(prefix, new WrpcFunction("", "ok", [], [WitType.U32]), [])).Single().AsU32());
                break;
            }
            catch (WrpcNotFoundException) when (DateTime.UtcNow < deadline) { await Task.Delay(200); }
        }
        var error = await Assert.ThrowsAsync<WrpcRemoteException>(() => client.InvokeAsync(prefix, new WrpcFunction("", "boom", [], []), []));
        Assert.Contains("Trap", error.Message);
        // The lattice recycled the instance: the component answers again.
        Assert.Equal(7u, (await client.InvokeAsync(prefix, new WrpcFunction("", "ok", [], [WitType.U32]), [])).Single().AsU32());
    }

    [SkippableFact]
    public async Task Serving_follows_the_desired_state_when_a_component_is_updated_and_stopped()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("follow-client");
        // A call that NATS routes to a subscription in the moment it is removed is lost (core NATS is at most
        // once): no handshake comes and the client times out. A short timeout lets the loop below call again.
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(5) });
        var prefix = WrpcSubjects.Prefix("default", "changing");
        var add = new WrpcFunction("", "add", [WitType.U32, WitType.U32], [WitType.U32]);
        var echoU8 = TypesFn("echo-u8", WitType.U8);
        async Task<bool> Served(WrpcFunction f, WitValue[] args)
        {
            try { await client.InvokeAsync(prefix, f, args); return true; }
            catch (WrpcNotFoundException) { return false; }
        }
        async Task Until(Func<Task<bool>> done, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                // Between the lattice's switch and the next poll of the state the old subscription may still
                // take a call that the new artifact cannot answer: a NotFound error, not a hang.
                try { if (await done()) return; }
                catch (WrpcRemoteException e) { Assert.Contains("NotFound", e.Message); }
                catch (WrpcTimeoutException) { } // lost while its subscription was being removed: call again
                Assert.True(DateTime.UtcNow < deadline, $"not within 60 s: {what}");
                await Task.Delay(200);
            }
        }
        WitValue[] addArgs = [WitValue.U32(1), WitValue.U32(2)];
        WitValue[] u8Args = [WitValue.U8(9)];

        Ops.Json(fixture.Host, "component", "start", "changing", TestPaths.Fixture("wat/bench.wasm"));
        await Until(() => Served(add, addArgs), "bench's add served");
        Assert.False(await Served(echoU8, u8Args));

        Ops.Json(fixture.Host, "component", "start", "changing", TestPaths.Fixture("wat/types.wasm"));
        await Until(async () => !await Served(add, addArgs) && await Served(echoU8, u8Args), "the new artifact's functions served, the old one's gone");

        Ops.Run(fixture.Host, "component", "stop", "changing");
        await Until(async () => !await Served(echoU8, u8Args), "nothing served after the stop");
    }
}

/// <summary>
/// A nats-server with a 64 KiB max_payload and one `lattice up --nats` host running bench.wasm as
/// `bench` and types.wasm as `types`, both already answering over wRPC. Nothing when nats-server is missing.
/// </summary>
public sealed class ServingHost : ServedHost
{
    public ServingHost() : base("serving-host", host =>
    {
        Ops.Json(host, "component", "start", "bench", TestPaths.Fixture("wat/bench.wasm"));
        Ops.Json(host, "component", "start", "types", TestPaths.Fixture("wat/types.wasm"));
    })
    {
        if (Nats is null) return;
        UntilServedAsync(() => Client.InvokeAsync(WrpcSubjects.Prefix("default", "bench"),
            new WrpcFunction("", "add", [WitType.U32, WitType.U32], [WitType.U32]), [WitValue.U32(1), WitValue.U32(1)]), untilAnswered: true).GetAwaiter().GetResult();
        UntilServedAsync(() => Client.InvokeAsync(WrpcSubjects.Prefix("default", "types"),
            new WrpcFunction("lattice:fixtures/types", "echo-u8", [WitType.U8], [WitType.U8]), [WitValue.U8(1)]), untilAnswered: true).GetAwaiter().GetResult();
    }
}
