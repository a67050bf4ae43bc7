// The key-value backend in the lattice's own database (the SQLite file, or PostgreSQL): data
// survives the provider moving to another host, because every host reaches the same database.
// One table for all key-value providers, keyed by (provider, bucket, key). Counters are stored as
// ASCII decimal, so `get` of an incremented key reads "42" (as wasmCloud's providers do).
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;

namespace Lattice.Providers.KeyValue;

internal sealed class SqlKeyValueStore : IProviderBackend
{
    private const int PageSize = 1000;
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

    public ProviderResult Handle(ProviderRequest request, ProviderLink link)
    {
        var bucket = request.Args[0];
        switch (request.Operation)
        {
            case "get":
            {
                var value = Get(bucket, request.Args[1]);
                return new ProviderResult(Payload: value, Found: value is not null);
            }
            case "set":
                Put(bucket, request.Args[1], request.Payload ?? []);
                return ProviderResult.Done;
            case "delete":
                Execute("DELETE FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", ("@p", _provider), ("@b", bucket), ("@k", request.Args[1]));
                return ProviderResult.Done;
            case "exists":
                return new ProviderResult(Found: Get(bucket, request.Args[1]) is not null);
            case "list-keys":
                return ListKeys(bucket, request.Number);
            case "increment":
                try { return new ProviderResult(Number: Increment(bucket, request.Args[1], request.Number)); }
                catch (Exception e) when (e is InvalidOperationException or OverflowException) { return ProviderResult.Fail(e.Message); }
            default:
                return ProviderResult.Fail($"unknown key-value operation '{request.Operation}'");
        }
    }

    private byte[]? Get(string bucket, string key)
    {
        using var command = Command("SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k", ("@p", _provider), ("@b", bucket), ("@k", key));
        return command.ExecuteScalar() as byte[];
    }

    private void Put(string bucket, string key, byte[] value, DbTransaction? transaction = null) =>
        Execute(_postgres
                ? "INSERT INTO lattice_kv (provider, bucket, key, value) VALUES (@p, @b, @k, @v) ON CONFLICT (provider, bucket, key) DO UPDATE SET value = EXCLUDED.value"
                : "INSERT OR REPLACE INTO lattice_kv (provider, bucket, key, value) VALUES (@p, @b, @k, @v)",
            transaction, ("@p", _provider), ("@b", bucket), ("@k", key), ("@v", value));

    /// <summary>Read, add, write in one transaction. One provider entity serves a provider id, one request at a time.</summary>
    private ulong Increment(string bucket, string key, ulong delta)
    {
        using var transaction = _connection.BeginTransaction(IsolationLevel.Serializable);
        using var read = Command(_postgres
                ? "SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k FOR UPDATE"
                : "SELECT value FROM lattice_kv WHERE provider = @p AND bucket = @b AND key = @k",
            ("@p", _provider), ("@b", bucket), ("@k", key));
        read.Transaction = transaction;
        var current = read.ExecuteScalar() is byte[] bytes ? ParseCounter(bytes, key) : 0;
        var next = checked(current + delta);
        Put(bucket, key, Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)), transaction);
        transaction.Commit();
        return next;
    }

    private static ulong ParseCounter(byte[] bytes, string key) =>
        ulong.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw new InvalidOperationException($"the value of '{key}' is not a counter");

    private ProviderResult ListKeys(string bucket, ulong cursor)
    {
        using var command = Command($"SELECT key FROM lattice_kv WHERE provider = @p AND bucket = @b ORDER BY key LIMIT {PageSize + 1} OFFSET {cursor}",
            ("@p", _provider), ("@b", bucket));
        var keys = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) keys.Add(reader.GetString(0));
        var more = keys.Count > PageSize;
        if (more) keys.RemoveAt(PageSize);
        return new ProviderResult(Items: [.. keys], Number: cursor + (ulong)keys.Count, Found: more);
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters) => Execute(sql, null, parameters);

    private void Execute(string sql, DbTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private DbCommand Command(string sql, params (string Name, object Value)[] parameters) =>
        LatticeDatabase.Command(_connection, sql, parameters);

    public void Dispose() => _connection.Dispose();
}
