using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Node.Bridge.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Providers.Blobstore;
using Lattice.Wit;
using static Lattice.Node.Tests.Wrpc.SpecBytes;
using static Lattice.Node.Tests.Bridge.StringResults;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// Our components use a wasmCloud blobstore provider outside our lattice (issue 5): blobstore.wasm's
/// wasi:blobstore calls go over NATS as `wrpc:blobstore/blobstore@0.2.0` (protocol spec §1.9), object
/// data on stream paths (§1.2), to a <see cref="SpecBlobProvider"/> (raw NATS, its own decoder, an
/// in-memory store); with `@0.1.0` when nothing serves 0.2.0, as a wasmCloud host falls back.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class ExternalBlobstoreSpec(ExternalBlobstoreHost fixture) : IClassFixture<ExternalBlobstoreHost>
{
    private const string Wire = "default.extblob.wrpc.0.0.1.wrpc:blobstore/blobstore@0.2.0.";

    [SkippableFact]
    public async Task A_component_writes_reads_lists_and_deletes_objects_through_a_wasmCloud_blobstore_provider()
    {
        var nats = fixture.Require();
        await using var provider = await SpecBlobProvider.StartAsync(nats, "default", "extblob");

        Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Create, S("photos"))));
        var create = Assert.Single(provider.Calls);
        Assert.Equal(Wire + "create-container", create.Subject);
        Assert.Equal("blob", create.Headers?["source-id"].ToString());
        Assert.Equal("default", create.Headers?["link-name"].ToString());
        Assert.Equal(ToHex(New().Str("photos").ToArray()), ToHex(create.Params));

        // 150 000 bytes of the pattern (k + 5) mod 251, written by the guest in 4 KiB writes.
        const int size = 150_000;
        Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Write, S("photos"), S("big"), WitValue.U32(size), WitValue.U32(5))));
        var calls = provider.Calls.Skip(1).ToList();
        // get-container (the guest opens the container), write-data (does it still exist?), finish (the data).
        Assert.Equal([Wire + "get-container-info", Wire + "container-exists", Wire + "write-container-data"], calls.Select(c => c.Subject));
        var write = calls[2];
        Assert.Equal("blob", write.Headers?["source-id"].ToString());
        // object-id { "photos", "big" } and the pending stream 00; the bytes follow on params.1 in 64 KiB chunks.
        Assert.Equal(ToHex(New().Str("photos").Str("big").Byte(0).ToArray()), ToHex(write.Params));
        var chunks = SpecBlobProvider.Chunks(write.Stream!);
        Assert.Equal([65536, 65536, size - 2 * 65536], chunks.Select(c => c.Length));
        var pattern = Enumerable.Range(0, size).Select(k => (byte)((k + 5) % 251)).ToArray();
        Assert.Equal(pattern, provider.Object("photos", "big"));

        // get-data(70 000, 70 009) inclusive: the size first, then exactly those 10 bytes.
        var before = provider.Calls.Count;
        var range = Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Read, S("photos"), S("big"), WitValue.U64(70_000), WitValue.U64(70_009)))!;
        Assert.Equal(pattern[70_000..70_010], range.AsBytes().ToArray());
        calls = provider.Calls.Skip(before).ToList();
        Assert.Equal([Wire + "get-container-info", Wire + "get-object-info", Wire + "get-container-data"], calls.Select(c => c.Subject));
        Assert.Equal(ToHex(New().Str("photos").Str("big").ToArray()), ToHex(calls[1].Params));
        Assert.Equal(ToHex(New().Str("photos").Str("big").U(70_000).U(70_010).ToArray()), ToHex(calls[2].Params));

        // The whole object through consume-async: every byte checked by the guest, in ranges the bridge fetches.
        Assert.Equal((ulong)size, Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Verify, S("photos"), S("big"), WitValue.U32(5)))!.AsU64());
        Assert.Equal((ulong)size, Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Info, S("photos"), S("big")))!.AsU64());

        foreach (var name in new[] { "b", "a" })
            Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Write, S("photos"), S(name), WitValue.U32(3), WitValue.U32(1))));
        before = provider.Calls.Count;
        // The provider lists in its own order (big, b, a); the guest reads them sorted, as from our backends.
        Assert.Equal(["a", "b", "big"], Names(await fixture.CallAsync("blob", ExternalBlobstoreHost.List, S("photos"))));
        var list = provider.Calls[^1];
        Assert.Equal(Wire + "list-container-objects", list.Subject);
        Assert.Equal(ToHex(New().Str("photos").Byte(0, 0).ToArray()), ToHex(list.Params));

        before = provider.Calls.Count;
        Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Delete, S("photos"), S("b"))));
        var delete = provider.Calls[^1];
        Assert.Equal(Wire + "delete-objects", delete.Subject);
        Assert.Equal(ToHex(New().Str("photos").U(1).Str("b").ToArray()), ToHex(delete.Params));
        Assert.False(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Exists, S("photos"), S("b")))!.AsBool());
        Assert.True(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Exists, S("photos"), S("a")))!.AsBool());
        Assert.Equal(Wire + "has-object", provider.Calls[^1].Subject);
        Assert.Equal(["a", "big"], Names(await fixture.CallAsync("blob", ExternalBlobstoreHost.List, S("photos"))));

        Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.RemoveContainer, S("photos"))));
        Assert.Equal(Wire + "delete-container", provider.Calls[^1].Subject);
        Assert.Null(provider.Fault);
    }

    [SkippableFact]
    public async Task The_providers_error_strings_reach_the_component_as_its_blobstore_errors()
    {
        var nats = fixture.Require();
        await using var provider = await SpecBlobProvider.StartAsync(nats, "default", "extblob");

        Assert.Equal("refused by policy", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.Create, S("forbidden-c"))));
        Assert.Null(Ok(await fixture.CallAsync("blob", ExternalBlobstoreHost.Create, S("docs"))));
        Assert.Equal("object not found", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.Info, S("docs"), S("nothing"))));
        Assert.Equal("object not found", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.Read, S("docs"), S("nothing"), WitValue.U64(0), WitValue.U64(9))));
        // write-container-data refused after the guest wrote its body: the error comes back from finish.
        Assert.Equal("refused by policy", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.Write, S("docs"), S("forbidden-o"), WitValue.U32(10), WitValue.U32(1))));
        Assert.Null(provider.Object("docs", "forbidden-o"));
        Assert.Equal("container not found", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.Write, S("gone"), S("o"), WitValue.U32(10), WitValue.U32(1))));
        Assert.Equal("container not found", Err(await fixture.CallAsync("blob", ExternalBlobstoreHost.List, S("gone"))));
        Assert.Null(provider.Fault);
    }

    [SkippableFact]
    public async Task A_provider_that_serves_only_version_0_1_0_is_used_as_wasmCloud_falls_back_to_it()
    {
        var nats = fixture.Require();
        await using var provider = await SpecBlobProvider.StartAsync(nats, "default", "extblobold", version: "0.1.0");

        Assert.Null(Ok(await fixture.CallAsync("blobold", ExternalBlobstoreHost.Create, S("c"))));
        Assert.Null(Ok(await fixture.CallAsync("blobold", ExternalBlobstoreHost.Write, S("c"), S("o"), WitValue.U32(70_000), WitValue.U32(9))));
        var pattern = Enumerable.Range(0, 70_000).Select(k => (byte)((k + 9) % 251)).ToArray();
        Assert.Equal(pattern, provider.Object("c", "o"));
        Assert.Equal(pattern[100..104], Ok(await fixture.CallAsync("blobold", ExternalBlobstoreHost.Read, S("c"), S("o"), WitValue.U64(100), WitValue.U64(103)))!.AsBytes().ToArray());
        Assert.Equal(70_000ul, Ok(await fixture.CallAsync("blobold", ExternalBlobstoreHost.Verify, S("c"), S("o"), WitValue.U32(9)))!.AsU64());
        Assert.Equal(["o"], Names(await fixture.CallAsync("blobold", ExternalBlobstoreHost.List, S("c"))));
        Assert.All(provider.Calls, c => Assert.StartsWith("default.extblobold.wrpc.0.0.1.wrpc:blobstore/blobstore@0.1.0.", c.Subject));
        Assert.Null(provider.Fault);
    }

    [SkippableFact]
    public async Task Without_a_blobstore_provider_on_the_NATS_lattice_the_component_gets_a_clear_error()
    {
        fixture.Require();
        Assert.Equal("nothing on the NATS lattice serves wrpc:blobstore/blobstore@0.2.0.create-container (nor @0.1.0) for 'blobnobody'",
            Err(await fixture.CallAsync("bloblost", ExternalBlobstoreHost.Create, S("c"))));
        // info opens the container first (get-container).
        Assert.Equal("nothing on the NATS lattice serves wrpc:blobstore/blobstore@0.2.0.get-container-info (nor @0.1.0) for 'blobnobody'",
            Err(await fixture.CallAsync("bloblost", ExternalBlobstoreHost.Info, S("c"), S("o"))));
    }

    [SkippableFact]
    public async Task Write_sessions_reads_and_listings_keep_the_answers_of_our_own_backends()
    {
        var nats = fixture.Require();
        await using var provider = await SpecBlobProvider.StartAsync(nats, "default", "extblobops");
        await using var connection = await nats.ConnectAsync("blob-ops-client");
        await using var client = new WrpcClient(connection, new WrpcClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        Task<ProviderResult> Send(string operation, string[] args, byte[]? payload = null, ulong number = 0, string source = "src") =>
            WrpcProviderCalls.SendAsync(client, "default", new ExternalProviderCall(source, "extblobops", "default",
                WitInterfaceName.Parse("wasi:blobstore/blobstore@0.2.0-draft"), new ProviderRequest(operation, args, payload, number), TimeSpan.FromSeconds(30)),
                CancellationToken.None);
        int Writes() => provider.Calls.Count(c => c.Function == "write-container-data");

        Assert.Equal("container 'c' does not exist", (await Send(BlobProtocol.WriteBegin, ["c", "o"])).Error);
        Assert.Null((await Send(BlobProtocol.CreateContainer, ["c"])).Error);
        Assert.True((await Send(BlobProtocol.ContainerExists, ["c"])).Found);
        Assert.Equal(1_700_000_000ul, (await Send(BlobProtocol.GetContainer, ["c"])).Number);

        // A session: chunks at their offsets, nothing at the provider before the commit.
        var session = Assert.Single((await Send(BlobProtocol.WriteBegin, ["c", "o"])).Items!);
        Assert.Null((await Send(BlobProtocol.WriteChunk, [session], "hello "u8.ToArray(), 0)).Error);
        Assert.Equal("chunk at offset 3, but the upload of 'o' has 6 bytes so far", (await Send(BlobProtocol.WriteChunk, [session], "x"u8.ToArray(), 3)).Error);
        Assert.StartsWith("no such upload", (await Send(BlobProtocol.WriteChunk, [session], "x"u8.ToArray(), 6, source: "other")).Error);
        Assert.Null((await Send(BlobProtocol.WriteChunk, [session], "world"u8.ToArray(), 6)).Error);
        Assert.Equal(0, Writes());
        Assert.Null((await Send(BlobProtocol.WriteCommit, [session], number: 11)).Error);
        Assert.Equal("hello world"u8.ToArray(), provider.Object("c", "o"));
        Assert.StartsWith("no such upload", (await Send(BlobProtocol.WriteCommit, [session], number: 11)).Error);

        // Aborted, or ended with another length than written: nothing is sent.
        session = (await Send(BlobProtocol.WriteBegin, ["c", "gone"])).Items![0];
        Assert.Null((await Send(BlobProtocol.WriteChunk, [session], "abc"u8.ToArray(), 0)).Error);
        Assert.Null((await Send(BlobProtocol.WriteAbort, [session])).Error);
        Assert.StartsWith("no such upload", (await Send(BlobProtocol.WriteCommit, [session], number: 3)).Error);
        session = (await Send(BlobProtocol.WriteBegin, ["c", "short"])).Items![0];
        Assert.Null((await Send(BlobProtocol.WriteChunk, [session], "abc"u8.ToArray(), 0)).Error);
        Assert.Equal("the upload of 'short' ended with 3 bytes, but the writer sent 4", (await Send(BlobProtocol.WriteCommit, [session], number: 4)).Error);
        Assert.Equal(1, Writes());

        // Past 4 MiB the bridge keeps the bytes in a temporary file; they arrive whole.
        var large = Enumerable.Range(0, 5 * 1024 * 1024 + 7).Select(k => (byte)(k % 241)).ToArray();
        session = (await Send(BlobProtocol.WriteBegin, ["c", "large"])).Items![0];
        for (var at = 0; at < large.Length; at += BlobProtocol.ChunkSize)
            Assert.Null((await Send(BlobProtocol.WriteChunk, [session], large[at..Math.Min(at + BlobProtocol.ChunkSize, large.Length)], (ulong)at)).Error);
        Assert.Null((await Send(BlobProtocol.WriteCommit, [session], number: (ulong)large.Length)).Error);
        Assert.Equal(large, provider.Object("c", "large"));

        // Reads: the range asked, the object's size, and a stamp from size and created-at that later ranges must match.
        var read = await Send(BlobProtocol.Read, ["c", "o", "4", ""], number: 6);
        Assert.Equal("worl"u8.ToArray(), read.Payload);
        Assert.Equal(11ul, read.Number);
        Assert.Equal(["11:1700000000"], read.Items!);
        Assert.Equal("d"u8.ToArray(), (await Send(BlobProtocol.Read, ["c", "o", "4", "11:1700000000"], number: 10)).Payload);
        Assert.Equal("object 'o' changed while it was being read", (await Send(BlobProtocol.Read, ["c", "o", "4", "5:1700000000"], number: 6)).Error);
        var before = provider.Calls.Count(c => c.Function == "get-container-data");
        Assert.Empty((await Send(BlobProtocol.Read, ["c", "o", "4", ""], number: 11)).Payload!);
        Assert.Equal(before, provider.Calls.Count(c => c.Function == "get-container-data")); // nothing to fetch past the end
        var info = await Send(BlobProtocol.ObjectInfo, ["c", "o"]);
        Assert.Equal((11ul, "1700000000"), (info.Number, info.Items![0]));

        Assert.Null((await Send(BlobProtocol.CopyObject, ["c", "o", "c", "copy"])).Error);
        Assert.Equal(ToHex(New().Str("c").Str("o").Str("c").Str("copy").ToArray()), ToHex(provider.Calls[^1].Params));
        Assert.Null((await Send(BlobProtocol.MoveObject, ["c", "copy", "c", "moved"])).Error);
        Assert.Equal("default.extblobops.wrpc.0.0.1.wrpc:blobstore/blobstore@0.2.0.move-object", provider.Calls[^1].Subject);
        Assert.True((await Send(BlobProtocol.HasObject, ["c", "moved"])).Found);
        Assert.False((await Send(BlobProtocol.HasObject, ["c", "copy"])).Found);

        // 1500 names in the provider's order come back in sorted pages of 1000, then the rest.
        for (var i = 1499; i >= 0; i--) provider.Put("many", $"n{i:D4}", [1]);
        var first = await Send(BlobProtocol.ListObjects, ["many", ""]);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"n{i:D4}"), first.Items!);
        Assert.True(first.Found);
        var rest = await Send(BlobProtocol.ListObjects, ["many", first.Items![^1]]);
        Assert.Equal(Enumerable.Range(1000, 500).Select(i => $"n{i:D4}"), rest.Items!);
        Assert.False(rest.Found);

        Assert.Null((await Send(BlobProtocol.Clear, ["many"])).Error);
        Assert.Empty((await Send(BlobProtocol.ListObjects, ["many", ""])).Items!);
        Assert.Equal("container not found", (await Send(BlobProtocol.DeleteContainer, ["nowhere"])).Error);
        Assert.Null(provider.Fault);
    }

    private static WitValue S(string s) => WitValue.String(s);

    private static string[] Names(WitValue result) => Ok(result) switch
    {
        WitList l => [.. l.Items.Select(i => i.AsString())],
        _ => [],
    };
}

/// <summary>
/// A nats-server and one `lattice up --nats` host running blobstore.wasm as `blob` (its
/// wasi:blobstore/blobstore link names the external `extblob`), as `blobold` (`extblobold`, a 0.1.0
/// provider) and as `bloblost` (`blobnobody`, which nothing serves), all answering over wRPC.
/// </summary>
public sealed class ExternalBlobstoreHost : ServedHost
{
    private static readonly WitType Text = WitType.String;
    private static readonly WitType Unit = new ResultType(null, Text);
    internal static readonly WrpcFunction Create = new("", "create", [Text], [Unit]);
    internal static readonly WrpcFunction RemoveContainer = new("", "remove-container", [Text], [Unit]);
    internal static readonly WrpcFunction Write = new("", "write", [Text, Text, WitType.U32, WitType.U32], [Unit]);
    internal static readonly WrpcFunction Read = new("", "read", [Text, Text, WitType.U64, WitType.U64], [new ResultType(new ListType(WitType.U8), Text)]);
    internal static readonly WrpcFunction Verify = new("", "verify", [Text, Text, WitType.U32], [new ResultType(WitType.U64, Text)]);
    internal static readonly WrpcFunction List = new("", "list", [Text], [new ResultType(new ListType(Text), Text)]);
    internal static readonly WrpcFunction Delete = new("", "delete", [Text, Text], [Unit]);
    internal static readonly WrpcFunction Exists = new("", "exists", [Text, Text], [new ResultType(WitType.Bool, Text)]);
    internal static readonly WrpcFunction Info = new("", "info", [Text, Text], [new ResultType(WitType.U64, Text)]);

    public ExternalBlobstoreHost() : base("extblob-host", host =>
    {
        Ops.Json(host, "component", "start", "blob", TestPaths.Fixture("wat/blobstore.wasm"));
        Ops.Json(host, "component", "start", "blobold", TestPaths.Fixture("wat/blobstore.wasm"));
        Ops.Json(host, "component", "start", "bloblost", TestPaths.Fixture("wat/blobstore.wasm"));
        Ops.Json(host, "link", "put", "blob", "extblob", "wasi:blobstore/blobstore");
        Ops.Json(host, "link", "put", "blobold", "extblobold", "wasi:blobstore/blobstore");
        Ops.Json(host, "link", "put", "bloblost", "blobnobody", "wasi:blobstore/blobstore");
    })
    {
    }

    /// <summary>Calls the component's export over wRPC (once the bridge serves it).</summary>
    public async Task<WitValue> CallAsync(string component, WrpcFunction function, params WitValue[] args) =>
        (await UntilServedAsync(() => Client.InvokeAsync(WrpcSubjects.Prefix("default", component), function, args))).Single();
}
