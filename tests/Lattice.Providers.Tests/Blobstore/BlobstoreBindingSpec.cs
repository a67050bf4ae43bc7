using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Providers.Blobstore;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Providers.Blobstore;

/// <summary>
/// A real component (blobstore.wasm) on the blobstore binding, its requests carried to a real
/// blobstore-fs backend by a channel that records them (the lattice's own channel is exercised in
/// <see cref="BlobstoreProviderSpec"/>). Shows what crosses between the two halves: small requests only.
/// </summary>
public sealed class BlobstoreBindingSpec : IDisposable
{
    private const int Chunk = 64 * 1024;
    private static readonly WasmEngine Engine = new();
    private static readonly ComponentCache Cache = new(Engine, TestPaths.CacheDir);

    private readonly BlobstoreBackend _store = new();
    private readonly RecordingChannel _channel;
    private readonly ComponentLinker _linker = new(Engine);
    private readonly RecyclingInstance _instance;

    public BlobstoreBindingSpec()
    {
        _channel = new RecordingChannel(request => _store.Backend.Handle(request, new ProviderLink("app", "default", ["blobstore"], new Dictionary<string, string>())));
        WasiHost.AddTo(_linker);
        var provider = new BlobstoreProvider();
        // Only the blobstore interface's channel reaches the provider: container and types calls must use it too (as in wasmCloud).
        var unlinked = new RecordingChannel(_ => ProviderResult.Fail("container and types calls must go through the blobstore link"));
        foreach (var iface in new[] { "blobstore", "container", "types" })
        {
            var name = $"wasi:blobstore/{iface}@0.2.0-draft";
            provider.Bind(_linker.Instance(name), WitInterfaceName.Parse(name), iface == "blobstore" ? _channel : unlinked);
        }
        _instance = new RecyclingInstance(_linker, Cache.LoadFile(TestPaths.Fixture("wat/blobstore.wasm")), null, store => store.SetFeature(new WasiContext()));
    }

    public void Dispose()
    {
        _instance.Dispose();
        _linker.Dispose();
        _store.Dispose();
    }

    private string Call(string function, params WitValue[] args) => WitJson.ToJson(_instance.Call("", function, args), null);

    private static WitValue S(string s) => WitValue.String(s);

    private static byte Pattern(long k, uint seed) => (byte)((k + seed) % 251);

    [Fact]
    public void A_multi_MiB_object_goes_out_and_comes_back_in_bounded_chunks()
    {
        const int size = 5 * 1024 * 1024 + 123;
        Assert.Equal("{\"ok\":null}", Call("create", S("c")));
        Assert.Equal("{\"ok\":null}", Call("write", S("c"), S("big"), WitValue.U32(size), WitValue.U32(7)));

        var onDisk = File.ReadAllBytes(Path.Combine(_store.Root, "c", "big"));
        Assert.Equal(size, onDisk.Length);
        for (var k = 0; k < size; k++)
            if (onDisk[k] != Pattern(k, 7)) Assert.Fail($"byte {k} on disk is {onDisk[k]}, expected {Pattern(k, 7)}");

        Assert.Equal($"{{\"ok\":{size}}}", Call("verify", S("c"), S("big"), WitValue.U32(7)));
        Assert.Equal($"{{\"ok\":{size}}}", Call("info", S("c"), S("big")));
        var range = Enumerable.Range(70_000, 10).Select(k => Pattern(k, 7).ToString());
        Assert.Equal($"{{\"ok\":[{string.Join(",", range)}]}}", Call("read", S("c"), S("big"), WitValue.U64(70_000), WitValue.U64(70_009)));
        var tail = Enumerable.Range(size - 3, 3).Select(k => Pattern(k, 7).ToString());
        Assert.Equal($"{{\"ok\":[{string.Join(",", tail)}]}}", Call("read", S("c"), S("big"), WitValue.U64(size - 3), WitValue.U64(ulong.MaxValue)));

        Assert.All(_channel.Sent, r => Assert.True(r.PayloadLength <= Chunk, $"{r.Operation} sent {r.PayloadLength} bytes"));
        Assert.All(_channel.Received, length => Assert.True(length <= Chunk, $"an answer carried {length} bytes"));
        Assert.Equal((size + Chunk - 1) / Chunk, _channel.Sent.Count(r => r.Operation == "write-chunk"));
        Assert.True(_channel.Sent.Count(r => r.Operation == "read") >= size / Chunk, "the object was read back in chunks");
        Assert.Equal(0, _instance.Instance.Store.Resources.Count); // every handle dropped or consumed
    }

    [Fact]
    public void A_body_written_before_write_data_waits_in_a_bounded_buffer()
    {
        Call("create", S("c"));
        var value = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal("{\"ok\":null}", Call("put", S("c"), S("early"), WitValue.Bytes(value), WitValue.U32(1)));
        Assert.Equal(value, File.ReadAllBytes(Path.Combine(_store.Root, "c", "early")));
        Assert.All(_channel.Sent, r => Assert.True(r.PayloadLength <= Chunk));

        // More than OutgoingBlob.MaxPending before write-data: the stream fails, nothing is stored, nothing was sent.
        var before = _channel.Sent.Count;
        Assert.Equal("{\"err\":\"stream failed\"}", Call("put", S("c"), S("huge"), WitValue.Bytes(new byte[512 * 1024]), WitValue.U32(17)));
        Assert.Equal(["get-container"], _channel.Sent.Skip(before).Select(r => r.Operation));
        Assert.Equal("{\"ok\":false}", Call("exists", S("c"), S("huge")));
        Assert.Equal(1, _instance.Generation);
    }

    [Fact]
    public void Objects_are_listed_checked_and_deleted_and_a_deleted_container_is_an_error()
    {
        Call("create", S("c"));
        foreach (var name in new[] { "b", "a", "c" }) Assert.Equal("{\"ok\":null}", Call("write", S("c"), S(name), WitValue.U32(10), WitValue.U32(1)));

        Assert.Equal("{\"ok\":[\"a\",\"b\",\"c\"]}", Call("list", S("c")));
        Assert.Equal("{\"ok\":true}", Call("exists", S("c"), S("b")));
        Assert.Equal("{\"ok\":null}", Call("delete", S("c"), S("b")));
        Assert.Equal("{\"ok\":null}", Call("delete", S("c"), S("b"))); // deleting a missing object is no error
        Assert.Equal("{\"ok\":false}", Call("exists", S("c"), S("b")));
        Assert.Equal("{\"ok\":[\"a\",\"c\"]}", Call("list", S("c")));
        Assert.Equal("{\"err\":\"object 'b' does not exist in container 'c'\"}", Call("info", S("c"), S("b")));

        Assert.Equal("{\"ok\":null}", Call("remove-container", S("c")));
        Assert.Equal("{\"err\":\"container 'c' does not exist\"}", Call("list", S("c")));
        Assert.Equal("{\"err\":\"container 'c' does not exist\"}", Call("write", S("c"), S("a"), WitValue.U32(1), WitValue.U32(1)));
        Assert.Equal(0, _instance.Instance.Store.Resources.Count);
    }

    [Fact]
    public void Path_traversal_attempts_are_error_strings_and_touch_nothing()
    {
        Call("create", S("c"));
        var before = _store.Tree();

        Assert.Equal("{\"err\":\"container name '../escape' contains a path separator\"}", Call("create", S("../escape")));
        Assert.Equal("{\"err\":\"container name '..' is not allowed (no '.', no '..')\"}", Call("create", S("..")));
        Assert.Equal("{\"err\":\"object name '../../../etc/passwd' contains a path separator\"}", Call("write", S("c"), S("../../../etc/passwd"), WitValue.U32(10), WitValue.U32(1)));
        Assert.Equal("{\"err\":\"object name '/etc/passwd' contains a path separator\"}", Call("read", S("c"), S("/etc/passwd"), WitValue.U64(0), WitValue.U64(100)));
        Assert.Equal("{\"err\":\"object name '..' is not allowed (no '.', no '..')\"}", Call("verify", S("c"), S(".."), WitValue.U32(1)));
        Assert.StartsWith("{\"err\":\"container name 'a\\\\u0000b' contains a NUL character", Call("create", S("a\0b")));

        Assert.Equal(before, _store.Tree());
        Assert.Equal(1, _instance.Generation); // errors, not traps
    }

    [Fact]
    public void A_value_dropped_after_a_failed_chunk_aborts_its_upload()
    {
        Call("create", S("c"));
        _channel.FailWriteChunkAt = 3;
        Assert.Equal("{\"err\":\"stream failed\"}", Call("write", S("c"), S("o"), WitValue.U32(10 * Chunk), WitValue.U32(1)));

        Assert.Equal("write-abort", _channel.Sent[^1].Operation);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.DataDirectory, "blobstore-uploads", "blobs")));
        Assert.Equal("{\"ok\":false}", Call("exists", S("c"), S("o")));
        Assert.Equal(0, _instance.Instance.Store.Resources.Count);
    }

    [Fact]
    public void Without_a_link_the_error_string_says_so()
    {
        _channel.Refuse = "app has no link for wasi:blobstore/blobstore (deny by default)";
        Assert.Equal("{\"err\":\"app has no link for wasi:blobstore/blobstore (deny by default)\"}", Call("create", S("c")));
        Assert.Equal(1, _instance.Generation);
    }

    /// <summary>Carries requests to the backend, remembering their operations and sizes.</summary>
    private sealed class RecordingChannel(Func<ProviderRequest, ProviderResult> answer) : IProviderChannel
    {
        public List<(string Operation, int PayloadLength)> Sent { get; } = [];
        public List<int> Received { get; } = [];
        public int? FailWriteChunkAt { get; set; }
        public string? Refuse { get; set; }

        public ProviderResult Send(HostCall call, ProviderRequest request)
        {
            Sent.Add((request.Operation, request.Payload?.Length ?? 0));
            if (Refuse is { } refusal) return ProviderResult.Fail(refusal);
            if (request.Operation == "write-chunk" && FailWriteChunkAt is { } n && Sent.Count(r => r.Operation == "write-chunk") == n)
                return ProviderResult.Fail("the provider went away");
            var result = answer(request);
            Received.Add(result.Payload?.Length ?? 0);
            return result;
        }
    }
}
