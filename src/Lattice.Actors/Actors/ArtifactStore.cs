// Content-addressed component artifacts in the lattice database, so any host can load any
// component after a failover: the bytes are stored once under their sha256 and never change.
// Same database as the journal (the SQLite file, or PostgreSQL), plain ADO.NET.
using System.Data.Common;
using Lattice.Wasm;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lattice.Actors;

public sealed class ArtifactStore
{
    private readonly string _connectionString;
    private readonly bool _postgres;
    private int _schemaReady;

    public ArtifactStore(LatticeHostOptions options)
    {
        _connectionString = options.ConnectionString;
        _postgres = options.DatabaseProvider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Stores <paramref name="bytes"/> (if new) and returns their sha256.</summary>
    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var sha = WasmComponent.HashOf(bytes);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = _postgres
            ? "INSERT INTO lattice_artifacts (sha256, bytes) VALUES (@sha, @bytes) ON CONFLICT (sha256) DO NOTHING"
            : "INSERT OR IGNORE INTO lattice_artifacts (sha256, bytes) VALUES (@sha, @bytes)";
        Add(command, "@sha", sha);
        Add(command, "@bytes", bytes);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return sha;
    }

    /// <summary>The bytes stored under <paramref name="sha256"/>, or null.</summary>
    public async Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT bytes FROM lattice_artifacts WHERE sha256 = @sha";
        Add(command, "@sha", sha256);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = _postgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (Interlocked.CompareExchange(ref _schemaReady, 1, 0) == 0)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = _postgres
                ? "CREATE TABLE IF NOT EXISTS lattice_artifacts (sha256 TEXT PRIMARY KEY, bytes BYTEA NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS lattice_artifacts (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return connection;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
