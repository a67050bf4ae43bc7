// The key-value backend in the lattice's own database (the SQLite file, or PostgreSQL): data
// survives the provider moving to another host, because every host reaches the same database.
// One table for all key-value providers, keyed by (provider, bucket, key): a provider id is its own
// keyspace. Counters are stored as ASCII decimal, so `get` of an incremented key reads "42" (as
// wasmCloud's providers do). list-keys pages in key order (bytewise); the cursor is the offset of
// the next page.
using System.Data;
using System.Data.Common;
using Lattice.Actors;
using Lattice.Actors.Providers;

namespace Lattice.Providers.KeyValue;

internal sealed class SqlKeyValueStore : KeyValueBackend
{
    private readonly DbConnection _connection;
    private readonly bool _postgres;
    private readonly string _provider;

    public SqlKeyValueStore(ProviderContext context)
    {
        _provider = context.ProviderId;
        var database = new LatticeDatabase(context.Host);
        _postgres = database.IsPostgres;
        _connection = database.Connection();
        _connection.Open();
        Execute(_postgres
            ? "CREATE TABLE IF NOT EXISTS lattice_kv (provider TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL, PRIMARY KEY (provider, bucket, key))"
            : "CREATE TABLE IF NOT EXISTS lattice_kv (provider TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (provider, bucket, key))");
    }

    protected override IKeyValueBucket Open(ProviderLink link, string name) => new Bucket(this, name);

    protected override string Describe(Exception error, ProviderLink link) =>
        $"key-value provider '{_provider}' ({(_postgres ? "PostgreSQL" : "SQLite")}): {error.Message}";

    public override void Dispose() => _connection.Dispose();

    private sealed class Bucket(SqlKeyValueStore store, string name) : IKeyValueBucket
    {
        private (string, object)[] Where(string key) => [("@p", store._provider), ("@b", name), ("@k", key)];

        public byte[]? Get(string key) => store.Scalar("SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", null, Where(key)) as byte[];

        public void Set(string key, byte[] value) => store.Put(name, key, value, null);

        public void Delete(string key) => store.Execute("DELETE FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", null, Where(key));

        public bool Exists(string key) => store.Scalar("SELECT 1 FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", null, Where(key)) is not null;

        public KeyPage ListKeys(ulong cursor)
        {
            if (cursor > long.MaxValue) return new KeyPage([], null);
            using var command = store.Command(
                $"SELECT key FROM lattice_kv WHERE provider = @p AND bucket = @b ORDER BY key{(store._postgres ? " COLLATE \"C\"" : "")} LIMIT {PageSize + 1} OFFSET {cursor}",
                null, ("@p", store._provider), ("@b", name));
            var keys = new List<string>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) keys.Add(reader.GetString(0));
            if (keys.Count <= PageSize) return new KeyPage(keys, null);
            keys.RemoveAt(PageSize);
            return new KeyPage(keys, cursor + PageSize);
        }

        /// <summary>
        /// Read, add, write in one transaction that holds the row (or, on SQLite, the write lock) so
        /// concurrent increments from other hosts or providers on the same database serialize.
        /// PostgreSQL: insert "0" if missing (concurrent inserters wait for the first), then lock the row.
        /// </summary>
        public ulong Increment(string key, ulong delta)
        {
            using var transaction = store._connection.BeginTransaction(store._postgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable);
            if (store._postgres)
                store.Execute("INSERT INTO lattice_kv (provider, bucket, key, value) VALUES (@p, @b, @k, @v) ON CONFLICT DO NOTHING",
                    transaction, [.. Where(key), ("@v", "0"u8.ToArray())]);
            var read = store.Scalar(store._postgres
                    ? "SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k FOR UPDATE"
                    : "SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k",
                transaction, Where(key));
            var current = read is byte[] bytes ? KeyValueErrors.Counter(bytes, key) : 0;
            var next = KeyValueErrors.Add(current, delta, key);
            store.Put(name, key, KeyValueErrors.Text(next), transaction);
            transaction.Commit();
            return next;
        }

        public IReadOnlyList<byte[]?> GetMany(IReadOnlyList<string> keys) => keys.Select(Get).ToList();

        public void SetMany(IReadOnlyList<KeyValuePair<string, byte[]>> pairs)
        {
            using var transaction = store._connection.BeginTransaction();
            foreach (var (key, value) in pairs) store.Put(name, key, value, transaction);
            transaction.Commit();
        }

        public void DeleteMany(IReadOnlyList<string> keys)
        {
            using var transaction = store._connection.BeginTransaction();
            foreach (var key in keys)
                store.Execute("DELETE FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", transaction, Where(key));
            transaction.Commit();
        }
    }

    private void Put(string bucket, string key, byte[] value, DbTransaction? transaction) =>
        Execute(_postgres
                ? "INSERT INTO lattice_kv (provider, bucket, key, value) VALUES (@p, @b, @k, @v) ON CONFLICT (provider, bucket, key) DO UPDATE SET value = EXCLUDED.value"
                : "INSERT OR REPLACE INTO lattice_kv (provider, bucket, key, value) VALUES (@p, @b, @k, @v)",
            transaction, ("@p", _provider), ("@b", bucket), ("@k", key), ("@v", value));

    private void Execute(string sql, params (string Name, object Value)[] parameters) => Execute(sql, null, parameters);

    private void Execute(string sql, DbTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, DbTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteScalar();
    }

    private DbCommand Command(string sql, DbTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        var command = LatticeDatabase.Command(_connection, sql, parameters);
        command.Transaction = transaction;
        return command;
    }
}
