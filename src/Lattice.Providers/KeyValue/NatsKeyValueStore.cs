// The key-value backend on NATS JetStream KV (provider kind `keyvalue-nats`).
//
// Where, as wasmCloud's keyvalue-nats reads it from the link's target config, falling back to the
// provider's config (names case-insensitive): `cluster_uri` (default nats://127.0.0.1:4222),
// `js_domain` (optional JetStream domain), `bucket` (optional: one NATS bucket for every store the
// component opens, wasmCloud's way), `enable_bucket_auto_create` (default true). Without `bucket`
// each store the component opens is its own NATS bucket, named after it (NatsNames); a missing
// bucket is created, or with auto-create off is the interface's `no-such-store`. One connection per
// distinct cluster_uri, and one handle per (uri, domain, bucket), opened on first use and kept.
//
// NATS KV has no increment: it is read, add, then write-if-revision-unchanged, retried when
// another writer got there first. It has no cursors either: list-keys reads the bucket's keys,
// sorts them, and the cursor is the offset of the next page. delete purges the key's history.
using Lattice.Actors.Providers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Lattice.Providers.KeyValue;

internal sealed class NatsKeyValueStore(ProviderContext context) : KeyValueBackend
{
    public const string DefaultUri = "nats://127.0.0.1:4222";

    /// <summary>Bounds every NATS operation, so a provider thread never waits forever.</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    private const int IncrementAttempts = 500;

    private readonly Dictionary<string, NatsConnection> _connections = [];
    private readonly Dictionary<(string Uri, string? Domain, string Bucket), INatsKVStore> _stores = [];

    protected override IKeyValueBucket Open(ProviderLink link, string name)
    {
        var uri = UriOf(link);
        var domain = TargetConfig.Get(link, context.Config, "js_domain");
        var bucket = TargetConfig.Get(link, context.Config, "bucket") ?? NatsNames.Bucket(name);
        if (_stores.TryGetValue((uri, domain, bucket), out var store)) return new Bucket(store, TargetConfig.Masked(uri));

        var connection = Connect(uri);
        var kv = new NatsKVContext(new NatsJSContext(connection, new NatsJSOpts(connection.Opts, domain: domain)));
        store = Lookup(kv, bucket, uri, TargetConfig.Flag(link, context.Config, "enable_bucket_auto_create", fallback: true));
        _stores[(uri, domain, bucket)] = store;
        return new Bucket(store, TargetConfig.Masked(uri));
    }

    private string UriOf(ProviderLink link) => TargetConfig.Get(link, context.Config, "cluster_uri") ?? DefaultUri;

    private NatsConnection Connect(string uri)
    {
        if (_connections.TryGetValue(uri, out var open)) return open;
        var connection = new NatsConnection(new NatsOpts
        {
            Url = uri,
            Name = "lattice-keyvalue",
            ConnectTimeout = TimeSpan.FromSeconds(3),
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        try { Run(_ => connection.ConnectAsync()); }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            Run(_ => connection.DisposeAsync());
            throw new KeyValueException($"cannot reach NATS at {TargetConfig.Masked(uri)}: {e.Message.Replace(uri, TargetConfig.Masked(uri))}");
        }
        _connections[uri] = connection;
        return connection;
    }

    private static INatsKVStore Lookup(NatsKVContext kv, string bucket, string uri, bool create)
    {
        try { return Run(ct => kv.GetStoreAsync(bucket, ct)); }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            if (!create) throw new KeyValueException($"NATS at {TargetConfig.Masked(uri)} has no key-value bucket '{bucket}' (and enable_bucket_auto_create is off)", noSuchStore: true);
        }
        try { return Run(ct => kv.CreateStoreAsync(new NatsKVConfig(bucket), ct)); }
        catch (NatsJSApiException)
        {
            // Someone else created it between our look and our create.
            return Run(ct => kv.GetStoreAsync(bucket, ct));
        }
    }

    protected override string Describe(Exception error, ProviderLink link)
    {
        var uri = UriOf(link);
        return $"NATS at {TargetConfig.Masked(uri)}: {error.Message.Replace(uri, TargetConfig.Masked(uri))}";
    }

    public override void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            try { Run(_ => connection.DisposeAsync()); }
            catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException) { }
        }
        _connections.Clear();
        _stores.Clear();
    }

    // The provider's thread is its own (one request at a time), so it waits for NATS here, bounded.
    private static T Run<T>(Func<CancellationToken, ValueTask<T>> operation)
    {
        using var deadline = new CancellationTokenSource(OperationTimeout);
        return operation(deadline.Token).AsTask().GetAwaiter().GetResult();
    }

    private static void Run(Func<CancellationToken, ValueTask> operation)
    {
        using var deadline = new CancellationTokenSource(OperationTimeout);
        operation(deadline.Token).AsTask().GetAwaiter().GetResult();
    }

    private sealed class Bucket(INatsKVStore store, string uri) : IKeyValueBucket
    {
        public byte[]? Get(string key) => Entry(key) is { } entry ? entry.Value ?? [] : null;

        public void Set(string key, byte[] value) => Put(key, value);

        public void Delete(string key) => Run(ct => store.PurgeAsync(NatsNames.Key(key), cancellationToken: ct));

        public bool Exists(string key) => Entry(key) is not null;

        public KeyPage ListKeys(ulong cursor)
        {
            var keys = Run(async ct =>
            {
                var all = new List<string>();
                await foreach (var key in store.GetKeysAsync(cancellationToken: ct)) all.Add(NatsNames.KeyFromNats(key));
                return all;
            });
            keys.Sort(StringComparer.Ordinal);
            if (cursor >= (ulong)keys.Count) return new KeyPage([], null);
            var start = (int)cursor;
            var count = Math.Min(PageSize, keys.Count - start);
            var end = start + count;
            return new KeyPage(keys.GetRange(start, count), end < keys.Count ? (ulong)end : null);
        }

        /// <summary>Optimistic: read the revision, write only if it is still the latest, else try again.</summary>
        public ulong Increment(string key, ulong delta)
        {
            var subject = NatsNames.Key(key);
            for (var attempt = 0; attempt < IncrementAttempts; attempt++)
            {
                var read = Run(ct => store.TryGetEntryAsync<byte[]>(subject, cancellationToken: ct));
                if (read.Success)
                {
                    var next = KeyValueErrors.Add(KeyValueErrors.Counter(read.Value.Value ?? [], key), delta, key);
                    var written = Run(ct => store.TryUpdateAsync(subject, KeyValueErrors.Text(next), read.Value.Revision, cancellationToken: ct));
                    if (written.Success) return next;
                    if (written.Error is not NatsKVWrongLastRevisionException) throw written.Error;
                }
                else if (read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException)
                {
                    var created = Run(ct => store.TryCreateAsync(subject, KeyValueErrors.Text(delta), cancellationToken: ct));
                    if (created.Success) return KeyValueErrors.Add(0, delta, key);
                    if (created.Error is not (NatsKVCreateException or NatsKVWrongLastRevisionException)) throw created.Error;
                }
                else throw read.Error;
            }
            throw new KeyValueException($"NATS at {uri}: increment of '{key}' lost to concurrent writers {IncrementAttempts} times");
        }

        public IReadOnlyList<byte[]?> GetMany(IReadOnlyList<string> keys) => keys.Select(Get).ToList();

        public void SetMany(IReadOnlyList<KeyValuePair<string, byte[]>> pairs)
        {
            foreach (var (key, value) in pairs) Put(key, value);
        }

        public void DeleteMany(IReadOnlyList<string> keys)
        {
            foreach (var key in keys) Delete(key);
        }

        private void Put(string key, byte[] value) => Run(ct => store.PutAsync(NatsNames.Key(key), value, cancellationToken: ct));

        private NatsKVEntry<byte[]>? Entry(string key)
        {
            var read = Run(ct => store.TryGetEntryAsync<byte[]>(NatsNames.Key(key), cancellationToken: ct));
            if (read.Success) return read.Value;
            return read.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException ? null : throw read.Error;
        }
    }
}
