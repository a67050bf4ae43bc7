using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;

namespace Lattice.Node.Tests;

/// <summary>
/// A real nats-server (JetStream on) on a free loopback port, in a temp directory, killed and deleted
/// on dispose. <see cref="Kill"/> and <see cref="Start"/> restart it on the same port with the same
/// JetStream store (the bridge must reconnect to it). max_payload defaults to 64 KiB so that anything
/// bigger must be chunked. Start waits (bounded) for its "ready" log line. When nats-server is not
/// installed the specs are skipped with that reason, unless LATTICE_REQUIRE_SERVERS=1 (CI), which
/// fails them instead.
/// </summary>
public sealed class NatsTestServer : IDisposable
{
    public const int DefaultMaxPayload = 64 * 1024;
    public const string MissingReason = "nats-server is not installed (apt-get install -y nats-server); test.sh installs it";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-nats-").FullName;
    private Process? _process;

    public NatsTestServer(int maxPayload = DefaultMaxPayload)
    {
        MaxPayload = maxPayload;
        Port = FreePort();
        File.WriteAllText(Path.Combine(_dir, "nats.conf"),
            $"listen: \"127.0.0.1:{Port}\"\nmax_payload: {maxPayload}\njetstream {{ store_dir: \"{Path.Combine(_dir, "js")}\" }}\n");
        try { Start(); }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static string? Binary { get; } = Find("nats-server");

    public int Port { get; }

    public int MaxPayload { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_SERVERS") is "1" or "true";

    /// <summary>Skips (or, when servers are required, fails) a spec when nats-server is missing.</summary>
    public static void SkipUnlessInstalled()
    {
        if (Binary is not null) return;
        if (Required) Assert.Fail(MissingReason + " (LATTICE_REQUIRE_SERVERS=1)");
        Skip.If(true, MissingReason);
    }

    /// <summary>Starts the server (again, after <see cref="Kill"/>) on its port, with its JetStream store.</summary>
    public void Start()
    {
        var psi = new ProcessStartInfo(Binary ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(_dir, "nats.conf"));
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        DataReceivedEventHandler watch = (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            if (e.Data.Contains("Server is ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.OutputDataReceived += watch;
        process.ErrorDataReceived += watch;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"nats-server exited: {string.Join(" | ", log)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!ready.Task.Wait(StartLimit))
            throw new InvalidOperationException($"nats-server was not ready within {StartLimit.TotalSeconds} s: {string.Join(" | ", log)}");
    }

    /// <summary>SIGKILL: the clients see the connection drop, as when a server dies.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { /* never started or already gone */ }
        _process.Dispose();
        _process = null;
    }

    public async Task<NatsConnection> ConnectAsync(string name = "wrpc-test")
    {
        var connection = new NatsConnection(new NatsOpts { Url = Url, Name = name });
        await connection.ConnectAsync();
        return connection;
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
