using System.Text;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;

namespace Lattice.Tests.Providers.KeyValue;

/// <summary>
/// The behaviour every key-value backend must have, as the WIT binding sees it (ProviderRequests in,
/// ProviderResults out). One subclass per backend supplies fresh backends on one shared store; each
/// spec uses buckets of its own, so specs of one class may share a server.
/// </summary>
public abstract class KeyValueConformance
{
    /// <summary>A new backend instance on the shared store (as if a provider started on another host).</summary>
    protected abstract IProviderBackend NewBackend();

    /// <summary>The link requests come through: its target config is where Redis and NATS look first.</summary>
    protected virtual ProviderLink Link { get; } = new("component", "default", ["store", "atomics", "batch"], new Dictionary<string, string>());

    private static string NewBucket() => "b-" + Guid.NewGuid().ToString("N")[..10];

    private ProviderResult Call(IProviderBackend kv, string operation, string[] args, byte[]? payload = null, ulong number = 0) =>
        kv.Handle(new ProviderRequest(operation, args, payload, number), Link);

    private ProviderResult Ok(IProviderBackend kv, string operation, string[] args, byte[]? payload = null, ulong number = 0)
    {
        var result = Call(kv, operation, args, payload, number);
        Assert.True(result.Error is null, $"{operation} failed: {result.Error}");
        return result;
    }

    private byte[]? Get(IProviderBackend kv, string bucket, string key)
    {
        var r = Ok(kv, "get", [bucket, key]);
        return r.Found ? r.Payload ?? [] : null;
    }

    private void Set(IProviderBackend kv, string bucket, string key, byte[] value) => Ok(kv, "set", [bucket, key], value);

    private ulong Increment(IProviderBackend kv, string bucket, string key, ulong delta) => Ok(kv, "increment", [bucket, key], number: delta).Number;

    private List<string> AllKeys(IProviderBackend kv, string bucket, out int pages)
    {
        var keys = new List<string>();
        ulong cursor = 0;
        for (pages = 1; ; pages++)
        {
            var page = Ok(kv, "list-keys", [bucket], number: cursor);
            keys.AddRange(page.Items ?? []);
            if (!page.Found) return keys;
            Assert.True(pages < 100, "list-keys never ended");
            cursor = page.Number;
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [SkippableFact]
    public void Set_get_exists_delete()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Assert.Null(Get(kv, b, "k"));
        Assert.False(Ok(kv, "exists", [b, "k"]).Found);
        Set(kv, b, "k", Utf8("v1"));
        Assert.Equal("v1", Encoding.UTF8.GetString(Get(kv, b, "k")!));
        Assert.True(Ok(kv, "exists", [b, "k"]).Found);
        Set(kv, b, "k", Utf8("v2"));
        Assert.Equal("v2", Encoding.UTF8.GetString(Get(kv, b, "k")!));
        Ok(kv, "delete", [b, "k"]);
        Assert.Null(Get(kv, b, "k"));
        Assert.False(Ok(kv, "exists", [b, "k"]).Found);
        Ok(kv, "delete", [b, "never-there"]); // deleting a missing key is not an error
    }

    [SkippableFact]
    public void An_empty_value_is_a_value_not_a_missing_key()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Set(kv, b, "empty", []);
        Assert.Equal([], Get(kv, b, "empty")!);
        Assert.True(Ok(kv, "exists", [b, "empty"]).Found);
    }

    [SkippableFact]
    public void Binary_values_with_zero_bytes_round_trip()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        byte[] value = [0, 1, 0, 255, 0, 0, 0x80, 0xC3, 0x28, 0];
        Set(kv, b, "bin", value);
        Assert.Equal(value, Get(kv, b, "bin")!);
    }

    [SkippableFact]
    public void A_one_mebibyte_value_round_trips()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        var value = new byte[1 << 20];
        new Random(42).NextBytes(value);
        Set(kv, b, "big", value);
        Assert.Equal(value, Get(kv, b, "big")!);
    }

    [SkippableFact]
    public void Buckets_do_not_see_each_others_keys()
    {
        using var kv = NewBackend();
        var (a, other) = (NewBucket(), NewBucket());
        Set(kv, a, "shared-name", Utf8("in a"));
        Assert.Null(Get(kv, other, "shared-name"));
        Assert.False(Ok(kv, "exists", [other, "shared-name"]).Found);
        Assert.Empty(AllKeys(kv, other, out _));
        Set(kv, other, "shared-name", Utf8("in other"));
        Ok(kv, "delete", [other, "shared-name"]);
        Assert.Equal("in a", Encoding.UTF8.GetString(Get(kv, a, "shared-name")!));
        Assert.Equal(["shared-name"], AllKeys(kv, a, out _));
    }

    [SkippableFact]
    public void Unicode_and_punctuation_keys_round_trip_through_get_and_list_keys()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        string[] keys = ["héllo", "日本語", "emoji 🎉", "a.b", ".lead", "trail.", "a..b", "x=1", "with space", "slash/key", "under_score", "%41", "=41", "*", ">"];
        foreach (var k in keys) Set(kv, b, k, Utf8("value of " + k));
        foreach (var k in keys) Assert.Equal("value of " + k, Encoding.UTF8.GetString(Get(kv, b, k)!));
        Assert.Equal(keys.Order(StringComparer.Ordinal), AllKeys(kv, b, out _).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void List_keys_of_an_empty_bucket_is_one_empty_page()
    {
        using var kv = NewBackend();
        var page = Ok(kv, "list-keys", [NewBucket()]);
        Assert.Empty(page.Items ?? []);
        Assert.False(page.Found);
    }

    [SkippableFact]
    public void List_keys_pages_with_a_cursor_until_every_key_was_seen()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        var keys = Enumerable.Range(0, 2500).Select(i => $"k{i:D4}").ToArray();
        Ok(kv, "set-many", [b, .. keys], KeyValueFrames.Pack(keys.Select(_ => (byte[]?)[7]).ToList()));
        var listed = AllKeys(kv, b, out var pages);
        Assert.True(pages > 1, $"2500 keys came in {pages} page(s)");
        Assert.Equal(keys, listed.Distinct().Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Increment_starts_a_missing_key_at_zero_and_stores_decimal_text()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Assert.Equal(1ul, Increment(kv, b, "n", 1));
        Assert.Equal(11ul, Increment(kv, b, "n", 10));
        Assert.Equal(11ul, Increment(kv, b, "n", 0));
        Assert.Equal("11", Encoding.ASCII.GetString(Get(kv, b, "n")!));
        Set(kv, b, "preset", Utf8("41"));
        Assert.Equal(42ul, Increment(kv, b, "preset", 1));
        Ok(kv, "delete", [b, "n"]);
        Assert.Equal(5ul, Increment(kv, b, "n", 5)); // a deleted counter starts again
    }

    [SkippableFact]
    public void Increment_of_a_value_that_is_not_a_number_is_an_error_and_leaves_it_alone()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Set(kv, b, "text", Utf8("abc"));
        var r = Call(kv, "increment", [b, "text"], number: 1);
        Assert.Contains("not a counter", r.Error);
        Assert.False(KeyValueErrors.IsNoSuchStore(r));
        Assert.Equal("abc", Encoding.UTF8.GetString(Get(kv, b, "text")!));
        Set(kv, b, "binary", [0, 1, 2]);
        Assert.Contains("not a counter", Call(kv, "increment", [b, "binary"], number: 1).Error);
        Set(kv, b, "empty", []);
        Assert.Contains("not a counter", Call(kv, "increment", [b, "empty"], number: 1).Error);
        Assert.Equal([], Get(kv, b, "empty")!);
    }

    [SkippableFact]
    public void Increments_from_concurrent_callers_all_count()
    {
        var b = NewBucket();
        const int callers = 4, each = 25;
        var backends = Enumerable.Range(0, callers).Select(_ => NewBackend()).ToList();
        try
        {
            // One dedicated thread per backend, as each provider actor has its own (pinned) thread.
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var threads = backends.Select(kv => new Thread(() =>
            {
                try { for (var i = 0; i < each; i++) Increment(kv, b, "hits", 1); }
                catch (Exception e) { failures.Enqueue(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(failures);
            Assert.Equal((ulong)(callers * each), Increment(backends[0], b, "hits", 0));
        }
        finally
        {
            foreach (var kv in backends) kv.Dispose();
        }
    }

    [SkippableFact]
    public void Batch_set_get_and_delete_many_keep_the_order_of_the_keys()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Ok(kv, "set-many", [b, "a", "b", "c"], KeyValueFrames.Pack([Utf8("1"), [0, 0], []]));
        var got = KeyValueFrames.Unpack(Ok(kv, "get-many", [b, "c", "missing", "a", "b"]).Payload, 4);
        Assert.Equal([], got[0]!);
        Assert.Null(got[1]);
        Assert.Equal(Utf8("1"), got[2]!);
        Assert.Equal([0, 0], got[3]!);
        Ok(kv, "delete-many", [b, "a", "missing", "c"]);
        Assert.Equal(["b"], AllKeys(kv, b, out _));
        Assert.Equal<byte[]?>([null, [0, 0]], KeyValueFrames.Unpack(Ok(kv, "get-many", [b, "a", "b"]).Payload, 2));
    }

    [SkippableFact]
    public void Batches_of_no_keys_do_nothing()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Assert.Empty(KeyValueFrames.Unpack(Ok(kv, "get-many", [b]).Payload, 0));
        Ok(kv, "set-many", [b], KeyValueFrames.Pack([]));
        Ok(kv, "delete-many", [b]);
        Assert.Empty(AllKeys(kv, b, out _));
    }

    [SkippableFact]
    public void Data_outlives_the_backend_instance_that_wrote_it()
    {
        var b = NewBucket();
        using (var kv = NewBackend())
        {
            Set(kv, b, "kept", Utf8("yes"));
            Increment(kv, b, "count", 3);
        }
        using var again = NewBackend();
        Assert.Equal("yes", Encoding.UTF8.GetString(Get(again, b, "kept")!));
        Assert.Equal(4ul, Increment(again, b, "count", 1));
    }

    [SkippableFact]
    public void Malformed_requests_are_errors_not_crashes()
    {
        using var kv = NewBackend();
        var b = NewBucket();
        Assert.Contains("unknown key-value operation", Call(kv, "frobnicate", [b]).Error);
        Assert.Contains("names no bucket", Call(kv, "get", []).Error);
        Assert.Contains("wrong number of keys", Call(kv, "get", [b]).Error);
        Assert.Contains("malformed batch payload", Call(kv, "set-many", [b, "a", "b"], [1, 0, 0, 0, 9]).Error);
        Assert.Null(Get(kv, b, "a")); // nothing half-written
    }
}
