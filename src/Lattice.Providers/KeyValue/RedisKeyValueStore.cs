// The key-value backend on Redis (provider kind `keyvalue-redis`).
//
// Where: the link's target config `URL` (case-insensitive), else the provider's config `URL`, else
// redis://127.0.0.1:6379 — wasmCloud's keyvalue-redis convention. One connection per distinct URL,
// opened on first use and kept; a URL that cannot be reached is not cached, so the next request
// tries again and the error names the URL.
//
// Layout: a bucket is one Redis hash whose key is the bucket's name; its fields are the keys. So
// buckets never see each other's keys, increment is HINCRBY (atomic in Redis), the batch calls are
// HMGET / HSET / HDEL (each one command), and list-keys is HSCAN, whose cursor is the interface's
// cursor. A server-side script strips HSCAN's values so listing never ships the values.
using Lattice.Actors.Providers;
using StackExchange.Redis;

namespace Lattice.Providers.KeyValue;

internal sealed class RedisKeyValueStore(ProviderContext context) : KeyValueBackend
{
    private const string ScanKeys = """
        local page = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
        local keys = {}
        for i = 1, #page[2], 2 do keys[#keys + 1] = page[2][i] end
        return {page[1], keys}
        """;

    private readonly Dictionary<string, (RedisUrl Url, ConnectionMultiplexer Connection)> _connections = [];

    protected override IKeyValueBucket Open(ProviderLink link, string name)
    {
        var url = UrlOf(link);
        if (!_connections.TryGetValue(url, out var open))
        {
            var parsed = RedisUrl.Parse(url);
            try { open = (parsed, ConnectionMultiplexer.Connect(parsed.Options)); }
            catch (RedisException e) { throw new KeyValueException($"cannot reach Redis at {parsed.Safe}: {FirstLine(e.Message)}"); }
            _connections[url] = open;
        }
        return new Bucket(open.Connection.GetDatabase(), name, open.Url);
    }

    private string UrlOf(ProviderLink link) => TargetConfig.Get(link, context.Config, "URL") ?? RedisUrl.Default;

    protected override string Describe(Exception error, ProviderLink link)
    {
        var url = UrlOf(link);
        var safe = _connections.TryGetValue(url, out var open) ? open.Url.Safe : url;
        return $"Redis at {safe}: {FirstLine(error.Message)}";
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    public override void Dispose()
    {
        foreach (var (_, connection) in _connections.Values) connection.Dispose();
        _connections.Clear();
    }

    private sealed class Bucket(IDatabase db, string name, RedisUrl url) : IKeyValueBucket
    {
        private readonly RedisKey _hash = name;

        public byte[]? Get(string key) => Run(() => (byte[]?)db.HashGet(_hash, key));

        public void Set(string key, byte[] value) => Run(() => db.HashSet(_hash, key, value));

        public void Delete(string key) => Run(() => db.HashDelete(_hash, key));

        public bool Exists(string key) => Run(() => db.HashExists(_hash, key));

        public KeyPage ListKeys(ulong cursor) => Run(() =>
        {
            var page = (RedisResult[])db.ScriptEvaluate(ScanKeys, [_hash], [cursor, PageSize])!;
            var next = ulong.Parse((string)page[0]!, System.Globalization.CultureInfo.InvariantCulture);
            var keys = ((RedisResult[])page[1]!).Select(k => (string)k!).ToList();
            return new KeyPage(keys, next == 0 ? null : next);
        });

        public ulong Increment(string key, ulong delta)
        {
            if (delta > long.MaxValue) throw new KeyValueException($"Redis counters are signed 64-bit: cannot add {delta} to '{key}'");
            long next;
            try { next = Run(() => db.HashIncrement(_hash, key, (long)delta)); }
            catch (RedisServerException e) when (e.Message.Contains("not an integer", StringComparison.OrdinalIgnoreCase))
            {
                throw new KeyValueException($"the value of '{key}' is not a counter (an unsigned decimal number)");
            }
            catch (RedisServerException e) when (e.Message.Contains("overflow", StringComparison.OrdinalIgnoreCase))
            {
                throw new KeyValueException($"incrementing '{key}' by {delta} overflows Redis' signed 64-bit counter");
            }
            return next >= 0 ? (ulong)next : throw new KeyValueException($"the counter '{key}' is negative ({next})");
        }

        public IReadOnlyList<byte[]?> GetMany(IReadOnlyList<string> keys) =>
            keys.Count == 0 ? [] : Run(() => db.HashGet(_hash, [.. keys.Select(k => (RedisValue)k)]).Select(v => (byte[]?)v).ToList());

        public void SetMany(IReadOnlyList<KeyValuePair<string, byte[]>> pairs)
        {
            if (pairs.Count > 0) Run(() => db.HashSet(_hash, [.. pairs.Select(p => new HashEntry(p.Key, p.Value))]));
        }

        public void DeleteMany(IReadOnlyList<string> keys)
        {
            if (keys.Count > 0) Run(() => db.HashDelete(_hash, [.. keys.Select(k => (RedisValue)k)]));
        }

        /// <summary>A bucket whose name holds another kind of Redis value says so, instead of WRONGTYPE.</summary>
        private T Run<T>(Func<T> command)
        {
            try { return command(); }
            catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
            {
                throw new KeyValueException($"Redis at {url.Safe}: the key '{name}' holds something other than a hash, so it cannot be a bucket");
            }
        }

        private void Run(Action command) => Run(() => { command(); return true; });
    }
}
