// Content-addressed component artifacts in the lattice database, so any host can load any
// component after a failover: the bytes are stored once under their sha256 and never change.
// Same database as the journal (the SQLite file, or PostgreSQL), plain ADO.NET.
using System.Data.Common;
using Lattice.Wasm;

namespace Lattice.Actors;

public sealed class ArtifactStore
{
    private readonly LatticeDatabase _database;
    private int _schemaReady;

    public ArtifactStore(LatticeHostOptions options) => _database = new LatticeDatabase(options);

    /// <summary>Stores <paramref name="bytes"/> (if new) and returns their sha256.</summary>
    public async Task<string> PutAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        var sha = WasmComponent.HashOf(bytes);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = LatticeDatabase.Command(connection, _database.IsPostgres
                ? "INSERT INTO lattice_artifacts (sha256, bytes) VALUES (@sha, @bytes) ON CONFLICT (sha256) DO NOTHING"
                : "INSERT OR IGNORE INTO lattice_artifacts (sha256, bytes) VALUES (@sha, @bytes)",
            ("@sha", sha), ("@bytes", bytes));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return sha;
    }

    /// <summary>The bytes stored under <paramref name="sha256"/>, or null.</summary>
    public async Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = LatticeDatabase.Command(connection, "SELECT bytes FROM lattice_artifacts WHERE sha256 = @sha", ("@sha", sha256));
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _database.Connection();
        await connection.OpenAsync(cancellationToken);
        if (Interlocked.CompareExchange(ref _schemaReady, 1, 0) == 0)
        {
            await using var create = LatticeDatabase.Command(connection, _database.IsPostgres
                ? "CREATE TABLE IF NOT EXISTS lattice_artifacts (sha256 TEXT PRIMARY KEY, bytes BYTEA NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS lattice_artifacts (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL)");
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return connection;
    }
}
