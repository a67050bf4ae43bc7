using Lattice.Node.Bridge.Wrpc;
using Lattice.Node.Tests.Wrpc;
using Lattice.Wit;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A component exporting wasi:keyvalue/watcher@0.2.0-draft (kvwatcher.wasm, linked to a keyvalue
/// provider) is served as wasmCloud serves it: `wrpc:keyvalue/watcher@0.2.0-draft.on-set(bucket:
/// string, key: string, value: list<u8>)` and `.on-delete(bucket, key)`, no results. A client written
/// from the spec sends the bucket as its name; the watcher writes `seen-{key}` into the bucket its
/// handle stands for, read back with `lattice call`.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class KeyValueWatcherWrpcServingSpec(WatcherHost fixture) : IClassFixture<WatcherHost>
{
    private const string Prefix = "default.watcher.wrpc.0.0.1.wrpc:keyvalue/watcher@0.2.0-draft";

    [SkippableFact]
    public async Task A_spec_client_notifies_on_set_and_on_delete_with_the_bucket_s_name()
    {
        var nats = fixture.Require();
        await using var connection = await nats.ConnectAsync("watcher-client");
        await using var inbox = await RawInbox.SubscribeAsync(connection, "_INBOX.watcher.>");

        Assert.Empty(await inbox.CallAsync(connection, $"{Prefix}.on-set", "_INBOX.watcher.s1", New().Str("b1").Str("k").Bytes([104, 105, 0, 255]).ToArray()));
        CliAssert.Printed("[104,105,0,255]", Ops.Run(fixture.Host, "call", "watcher", "fetch", "\"b1\"", "\"seen-k\""));
        CliAssert.Printed("null", Ops.Run(fixture.Host, "call", "watcher", "fetch", "\"b2\"", "\"seen-k\""));

        Assert.Empty(await inbox.CallAsync(connection, $"{Prefix}.on-delete", "_INBOX.watcher.d1", New().Str("b2").Str("gone").ToArray()));
        CliAssert.Printed("[100,101,108,101,116,101,100]", Ops.Run(fixture.Host, "call", "watcher", "fetch", "\"b2\"", "\"seen-gone\""));
    }

    [SkippableFact]
    public async Task The_wasi_names_with_handle_params_are_not_served()
    {
        fixture.Require();
        var onSet = new WrpcFunction("wasi:keyvalue/watcher@0.2.0-draft", "on-set", [WitType.String, WitType.String, new ListType(WitType.U8)], []);
        await Assert.ThrowsAsync<WrpcNotFoundException>(() => fixture.Client.InvokeAsync(WrpcSubjects.Prefix("default", "watcher"), onSet,
            [WitValue.String("b1"), WitValue.String("k"), WitValue.Bytes(new byte[] { 1 })]));
    }
}

/// <summary>
/// A nats-server and one `lattice up --nats` host running kvwatcher.wasm as `watcher`, linked for
/// wasi:keyvalue/store to the built-in keyvalue provider `kv`, already answering over wRPC.
/// </summary>
public sealed class WatcherHost : ServedHost
{
    public WatcherHost() : base("watcher-host", host =>
    {
        Ops.Json(host, "provider", "start", "kv", "keyvalue");
        Ops.Json(host, "component", "start", "watcher", TestPaths.Fixture("wat/kvwatcher.wasm"));
        Ops.Json(host, "link", "put", "watcher", "kv", "wasi:keyvalue/store");
    })
    {
        if (Nats is null) return;
        UntilServedAsync(() => Client.InvokeAsync(WrpcSubjects.Prefix("default", "watcher"),
            new WrpcFunction("wrpc:keyvalue/watcher@0.2.0-draft", "on-delete", [WitType.String, WitType.String], []),
            [WitValue.String("warm-up"), WitValue.String("k")]), untilAnswered: true).GetAwaiter().GetResult();
    }
}
