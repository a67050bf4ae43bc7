// The lattice database (the SQLite file in the data directory, or PostgreSQL) for our own tables:
// artifacts, and the data of providers that keep it there. The journal reaches the same database
// through Akka.Persistence.Sql; this is plain ADO.NET for everything else.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lattice.Actors;

public sealed class LatticeDatabase(LatticeHostOptions options)
{
    public bool IsPostgres { get; } = options.DatabaseProvider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase);

    /// <summary>A new connection (pooled by the driver); the caller opens and disposes it.</summary>
    public DbConnection Connection() =>
        IsPostgres ? new NpgsqlConnection(options.ConnectionString) : new SqliteConnection(options.ConnectionString);

    /// <summary>A command on <paramref name="connection"/> with named parameters (<c>@name</c>).</summary>
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
