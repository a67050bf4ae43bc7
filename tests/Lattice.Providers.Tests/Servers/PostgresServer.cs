using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lattice.Tests.Providers;

/// <summary>
/// A real, throwaway PostgreSQL server on a free loopback port (Debian's postgresql package): initdb
/// into a temp directory, trust auth, started with pg_ctl, stopped and deleted on dispose. When
/// PostgreSQL is not installed the specs that need it are skipped with that reason, unless
/// LATTICE_REQUIRE_POSTGRES=1 (CI), which fails them instead.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _dir;

    private PostgresServer(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true;Maximum Pool Size=20";

    public static string? Binaries =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;

    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_POSTGRES") is "1" or "true";

    public const string MissingReason = "PostgreSQL is not installed (apt-get install -y postgresql); test.sh installs it";

    public static PostgresServer Start()
    {
        var bin = Binaries ?? throw new InvalidOperationException(MissingReason);
        var dir = Directory.CreateTempSubdirectory("lattice-pg-").FullName;
        var port = FreePort();
        // PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", "-R", "postgres", dir);
        Exec(bin, "initdb", asRoot, "-D", Path.Combine(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync");
        Exec(bin, "pg_ctl", asRoot, "-D", Path.Combine(dir, "data"), "-w", "-l", Path.Combine(dir, "log"),
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return new PostgresServer(bin, dir, port);
    }

    public void Dispose()
    {
        try { Exec(_bin, "pg_ctl", Environment.UserName == "root", "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { /* already gone */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void Exec(string bin, string tool, bool asPostgres, params string[] args)
    {
        if (asPostgres) Run("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]);
        else Run(Path.Combine(bin, tool), args);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
