namespace Lattice.Actors;

/// <summary>How one host joins the lattice. Filled from `lattice up` flags or config.</summary>
public sealed record LatticeHostOptions
{
    /// <summary>The lattice name (wasmCloud's lattice id); also the Akka actor system name.</summary>
    public string Lattice { get; init; } = "default";

    /// <summary>Host labels (<c>zone=a</c>), used for placement.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Data directory: SQLite database, component cache, logs.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>ADO.NET connection string of the lattice database; null = SQLite file in the data directory.</summary>
    public string? Database { get; init; }

    /// <summary>linq2db provider name for <see cref="Database"/>: <c>SQLite.MS</c> or <c>PostgreSQL.15</c>.</summary>
    public string DatabaseProvider { get; init; } = "SQLite.MS";

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Akka remoting port (0 = any free port).</summary>
    public int Port { get; init; } = 4100;

    /// <summary>Seed nodes, <c>host:port</c>; empty = this host seeds a new cluster.</summary>
    public IReadOnlyList<string> Join { get; init; } = [];

    /// <summary>Default per-call timeout for `lattice call` and component-to-component calls.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many calls may wait per instance before new calls fail fast as overloaded.</summary>
    public int QueuePerInstance { get; init; } = 16;

    public string SqliteFile => Path.Combine(DataDirectory, "lattice.db");

    public string ConnectionString => Database ?? $"Data Source={SqliteFile};Default Timeout=30;Pooling=True";
}
