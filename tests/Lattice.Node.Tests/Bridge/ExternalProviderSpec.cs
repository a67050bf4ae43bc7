using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Node.Bridge.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Providers.KeyValue;
using Lattice.Wit;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;
using static Lattice.Node.Tests.Bridge.StringResults;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// Our components use a wasmCloud provider that is not part of our lattice (issue 5): a link whose
/// target is neither a component nor a provider of the lattice is called over NATS with wRPC under
/// the wire names wasmCloud's providers serve (protocol spec §1.7, §1.9). The provider is a
/// <see cref="SpecProvider"/> in the test (raw NATS, its own encoder); the components are
/// kvcounter.wasm (wasi:keyvalue store + atomics) and messaging.wasm (wasmcloud:messaging consumer),
/// called over wRPC through the host's bridge.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class ExternalProviderSpec(ExternalProviderHost fixture) : IClassFixture<ExternalProviderHost>
{
    private const string Store = "default.kvredis.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft";
    private const string Consumer = "default.extmsg.wrpc.0.0.1.wasmcloud:messaging/consumer@0.2.0";

    [SkippableFact]
    public async Task A_component_increments_sets_and_gets_through_a_wasmCloud_keyvalue_provider()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "kvredis");

        var increment = fixture.CallAsync("kv", ExternalProviderHost.Increment, "counters", "hits");
        var call = await provider.NextCallAsync();
        Assert.Equal("default.kvredis.wrpc.0.0.1.wrpc:keyvalue/atomics@0.2.0-draft.increment", call.Subject);
        Assert.Equal("kv", call.Headers?["source-id"].ToString());
        Assert.Equal("default", call.Headers?["link-name"].ToString());
        // ok(42): the component answers what the provider said, not a count of its own.
        Assert.Equal(ToHex(New().Str("counters").Str("hits").U(1).ToArray()), ToHex(await provider.AnswerAsync(call, Hex("00 2a"))));
        Assert.Equal(42ul, Ok(await increment)!.AsU64());

        var fetch = fixture.CallAsync("kv", ExternalProviderHost.Fetch, "bucket1", "key");
        call = await provider.NextCallAsync();
        Assert.Equal(Store + ".get", call.Subject);
        Assert.Equal("kv", call.Headers?["source-id"].ToString());
        Assert.Equal("07 62 75 63 6b 65 74 31 03 6b 65 79".Replace(" ", ""), ToHex(await provider.AnswerAsync(call, Hex("00 01 05 76 61 6c 75 65"))));
        Assert.Equal("value", ((WitOption)Ok(await fetch)!).Value!.AsString());

        var put = fixture.CallAsync("kv", ExternalProviderHost.Put, "bucket1", "key", "v2");
        call = await provider.NextCallAsync();
        Assert.Equal(Store + ".set", call.Subject);
        Assert.Equal(ToHex(New().Str("bucket1").Str("key").Bytes("v2"u8.ToArray()).ToArray()), ToHex(await provider.AnswerAsync(call, Hex("00"))));
        Assert.Null(Ok(await put));

        var missing = fixture.CallAsync("kv", ExternalProviderHost.Fetch, "bucket1", "gone");
        call = await provider.NextCallAsync();
        await provider.AnswerAsync(call, Hex("00 00"));
        Assert.False(((WitOption)Ok(await missing)!).IsSome);
        Assert.True(provider.Idle);
    }

    [SkippableFact]
    public async Task The_providers_error_reaches_the_component_as_its_keyvalue_error()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "kvredis");

        var fetch = fixture.CallAsync("kv", ExternalProviderHost.Fetch, "bucket1", "key");
        await provider.AnswerAsync(await provider.NextCallAsync(), Hex("01 02 01 78"));
        // kvcounter turns other(s) into err(s): the provider's text, not a trap.
        Assert.Equal("x", Err(await fetch));

        var increment = fixture.CallAsync("kv", ExternalProviderHost.Increment, "nowhere", "hits");
        await provider.AnswerAsync(await provider.NextCallAsync(), Hex("01 00"));
        Assert.Equal("no-such-store", Err(await increment));
    }

    [SkippableFact]
    public async Task Without_a_provider_on_the_NATS_lattice_the_component_gets_a_clear_error_and_the_host_keeps_serving()
    {
        fixture.Require();
        for (var i = 0; i < 2; i++)
        {
            var error = Err(await fixture.CallAsync("kvlost", ExternalProviderHost.Increment, "counters", "hits"));
            Assert.Equal("nothing on the NATS lattice serves wrpc:keyvalue/atomics@0.2.0-draft.increment for 'kvnobody'", error);
        }
        Assert.Contains("nothing on the NATS lattice serves wrpc:keyvalue/store@0.2.0-draft.get",
            Err(await fixture.CallAsync("kvlost", ExternalProviderHost.Fetch, "bucket1", "key")));
    }

    [SkippableFact]
    public async Task A_component_requests_and_publishes_through_a_wasmCloud_messaging_provider()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "extmsg");

        var ask = fixture.CallAsync("msg", ExternalProviderHost.Ask, WitValue.String("svc.echo"), WitValue.Bytes("ping"u8.ToArray()));
        var call = await provider.NextCallAsync();
        Assert.Equal(Consumer + ".request", call.Subject);
        Assert.Equal("msg", call.Headers?["source-id"].ToString());
        Assert.Equal("default", call.Headers?["link-name"].ToString());
        // request(subject, body, timeout-ms 2000) -> ok(broker-message { "reply.s", "pong", none })
        var reply = New().Byte(0).Str("reply.s").Bytes("pong"u8.ToArray()).Byte(0).ToArray();
        Assert.Equal(ToHex(New().Str("svc.echo").Bytes("ping"u8.ToArray()).U(2000).ToArray()), ToHex(await provider.AnswerAsync(call, reply)));
        Assert.Equal("pong", Encoding.UTF8.GetString(Ok(await ask)!.AsBytes().Span));

        // handle-message publishes the body to the message's reply-to subject.
        var message = WitValue.Record(("subject", WitValue.String("in")), ("body", WitValue.Bytes("hi"u8.ToArray())), ("reply-to", WitValue.Some(WitValue.String("out.subj"))));
        var handled = fixture.CallAsync("msg", ExternalProviderHost.HandleMessage, message);
        call = await provider.NextCallAsync();
        Assert.Equal(Consumer + ".publish", call.Subject);
        Assert.Equal(ToHex(New().Str("out.subj").Bytes("hi"u8.ToArray()).Byte(0).ToArray()), ToHex(await provider.AnswerAsync(call, Hex("00"))));
        Assert.Null(Ok(await handled));

        handled = fixture.CallAsync("msg", ExternalProviderHost.HandleMessage, message);
        await provider.AnswerAsync(await provider.NextCallAsync(), New().Byte(1).Str("nope").ToArray());
        Assert.Equal("nope", Err(await handled));
    }

    [SkippableFact]
    public async Task Batch_and_list_keys_requests_travel_as_wrpc_keyvalue_and_come_back_as_our_backends_answer()
    {
        var nats = fixture.Require();
        await using var provider = await SpecProvider.StartAsync(nats, "default", "kvbatch");
        await using var connection = await nats.ConnectAsync("batch-client");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        Task<ProviderResult> Send(string iface, ProviderRequest request) => WrpcProviderCalls.SendAsync(client, "default",
            new ExternalProviderCall("src", "kvbatch", "default", WitInterfaceName.Parse($"wasi:keyvalue/{iface}@0.2.0-draft"), request, TimeSpan.FromSeconds(30)),
            CancellationToken.None);

        var getMany = Send("batch", new ProviderRequest("get-many", ["b", "k1", "k2"]));
        var call = await provider.NextCallAsync();
        Assert.Equal("default.kvbatch.wrpc.0.0.1.wrpc:keyvalue/batch@0.2.0-draft.get-many", call.Subject);
        // ok([some(("k1", "v")), none])
        var answer = New().Byte(0).U(2).Byte(1).Str("k1").Bytes("v"u8.ToArray()).Byte(0).ToArray();
        Assert.Equal(ToHex(New().Str("b").U(2).Str("k1").Str("k2").ToArray()), ToHex(await provider.AnswerAsync(call, answer)));
        var values = KeyValueFrames.Unpack((await getMany).Payload, 2);
        Assert.Equal("v"u8.ToArray(), values[0]);
        Assert.Null(values[1]);

        var setMany = Send("batch", new ProviderRequest("set-many", ["b", "k1", "k2"], KeyValueFrames.Pack(["x"u8.ToArray(), "yz"u8.ToArray()])));
        call = await provider.NextCallAsync();
        Assert.EndsWith(".set-many", call.Subject);
        Assert.Equal(ToHex(New().Str("b").U(2).Str("k1").Bytes("x"u8.ToArray()).Str("k2").Bytes("yz"u8.ToArray()).ToArray()),
            ToHex(await provider.AnswerAsync(call, Hex("00"))));
        Assert.Null((await setMany).Error);

        var listKeys = Send("store", new ProviderRequest("list-keys", ["b"], Number: 7));
        call = await provider.NextCallAsync();
        Assert.EndsWith("store@0.2.0-draft.list-keys", call.Subject);
        // cursor some(7) out; ok({ keys: ["a"], cursor: some(9) }) back.
        Assert.Equal(ToHex(New().Str("b").Byte(1).U(7).ToArray()), ToHex(await provider.AnswerAsync(call, New().Byte(0).U(1).Str("a").Byte(1).U(9).ToArray())));
        var page = await listKeys;
        Assert.Equal(["a"], page.Items!);
        Assert.True(page.Found);
        Assert.Equal(9ul, page.Number);

        // A provider that takes the call but never answers is given up at the caller's deadline, not at the client's 30 s.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var silent = WrpcProviderCalls.SendAsync(client, "default",
            new ExternalProviderCall("src", "kvbatch", "default", WitInterfaceName.Parse("wasi:keyvalue/store@0.2.0-draft"), new ProviderRequest("get", ["b", "k"]), TimeSpan.FromMilliseconds(500)),
            deadline.Token);
        await provider.NextCallAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => silent);

        // An interface wasmCloud's providers do not serve over wRPC (blobstore has its own spec: ExternalBlobstoreSpec).
        var unknown = await Assert.ThrowsAsync<ExternalCallException>(() => WrpcProviderCalls.SendAsync(client, "default",
            new ExternalProviderCall("src", "kvbatch", "default", WitInterfaceName.Parse("wasi:filesystem/types@0.2.0"), new ProviderRequest("read", ["f"]), TimeSpan.FromSeconds(5)),
            CancellationToken.None));
        Assert.Contains("has no wRPC form", unknown.Message);
    }
}

/// <summary>
/// A nats-server and one `lattice up --nats` host running kvcounter.wasm as `kv` (linked to the
/// external `kvredis`) and as `kvlost` (linked to `kvnobody`, which nothing serves), and
/// messaging.wasm as `msg` (linked to `extmsg`), all answering over wRPC.
/// </summary>
public sealed class ExternalProviderHost : ServedHost
{
    private static readonly WitType Text = WitType.String;
    internal static readonly WrpcFunction Increment = new("", "increment", [Text, Text], [new ResultType(WitType.U64, Text)]);
    internal static readonly WrpcFunction Fetch = new("", "fetch", [Text, Text], [new ResultType(new OptionType(Text), Text)]);
    internal static readonly WrpcFunction Put = new("", "put", [Text, Text, Text], [new ResultType(null, Text)]);
    internal static readonly WrpcFunction Ask = new("", "ask", [Text, new ListType(WitType.U8)], [new ResultType(new ListType(WitType.U8), Text)]);
    internal static readonly WrpcFunction HandleMessage = new("wasmcloud:messaging/handler@0.2.0", "handle-message",
        [new RecordType([new("subject", Text), new("body", new ListType(WitType.U8)), new("reply-to", new OptionType(Text))])], [new ResultType(null, Text)]);

    public ExternalProviderHost() : base("extprov-host", host =>
    {
        Ops.Json(host, "component", "start", "kv", TestPaths.Fixture("wat/kvcounter.wasm"));
        Ops.Json(host, "component", "start", "kvlost", TestPaths.Fixture("wat/kvcounter.wasm"));
        Ops.Json(host, "component", "start", "msg", TestPaths.Fixture("wat/messaging.wasm"));
        Ops.Json(host, "link", "put", "kv", "kvredis", "wasi:keyvalue/store,atomics");
        Ops.Json(host, "link", "put", "kvlost", "kvnobody", "wasi:keyvalue/store,atomics");
        Ops.Json(host, "link", "put", "msg", "extmsg", "wasmcloud:messaging/consumer");
    })
    {
    }

    public Task<WitValue> CallAsync(string component, WrpcFunction function, params string[] args) =>
        CallAsync(component, function, [.. args.Select(WitValue.String)]);

    /// <summary>Calls the component's export over wRPC (once the bridge serves it).</summary>
    public async Task<WitValue> CallAsync(string component, WrpcFunction function, params WitValue[] args) =>
        (await UntilServedAsync(() => Client.InvokeAsync(WrpcSubjects.Prefix("default", component), function, args))).Single();
}
