using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lattice.Tests.Providers;

/// <summary>
/// A real server process of ours (redis-server, nats-server) on a free loopback port, in a temp
/// directory, killed and deleted on dispose. Start waits (bounded) for the server's own "ready" log
/// line. When the binary is not installed the specs that need it are skipped with that reason,
/// unless LATTICE_REQUIRE_SERVERS=1 (CI), which fails them instead.
/// </summary>
public abstract class LocalServer : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly string _dir;

    protected LocalServer(string binary, string readyLine, Func<int, string, IEnumerable<string>> arguments)
    {
        _dir = Directory.CreateTempSubdirectory("lattice-server-").FullName;
        Port = FreePort();
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var a in arguments(Port, _dir)) psi.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = new Process { StartInfo = psi };
        DataReceivedEventHandler watch = (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            if (e.Data.Contains(readyLine, StringComparison.Ordinal)) ready.TrySetResult();
        };
        _process.OutputDataReceived += watch;
        _process.ErrorDataReceived += watch;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{binary} exited ({_process.ExitCode}): {string.Join(" | ", log)}"));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            if (!ready.Task.Wait(StartLimit))
                throw new InvalidOperationException($"{binary} did not log '{readyLine}' within {StartLimit.TotalSeconds} s: {string.Join(" | ", log)}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_SERVERS") is "1" or "true";

    /// <summary>The first of <paramref name="candidates"/> on PATH or in the sbin folders (Debian puts nats-server in /usr/sbin).</summary>
    protected static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Skips (or, when servers are required, fails) a spec whose server binary is missing.</summary>
    public static void SkipUnlessInstalled(string? binary, string reason)
    {
        if (binary is not null) return;
        if (Required) Assert.Fail(reason + " (LATTICE_REQUIRE_SERVERS=1)");
        Skip.If(true, reason);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { /* never started or already gone */ }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>redis-server on a free loopback port, nothing saved to disk.</summary>
public sealed class RedisServer() : LocalServer(Binary ?? throw new InvalidOperationException(MissingReason), "Ready to accept connections",
    (port, dir) => ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"])
{
    public static string? Binary { get; } = Find("redis-server");

    public const string MissingReason = "redis-server is not installed (apt-get install -y redis-server); test.sh installs it";

    public string Url => $"redis://127.0.0.1:{Port}";
}

/// <summary>nats-server with JetStream on a free loopback port, its store in the temp directory.</summary>
public sealed class NatsServer : LocalServer
{
    public NatsServer(string maxPayload = "8MB") : base(Binary ?? throw new InvalidOperationException(MissingReason), "Server is ready",
        (port, dir) => ["-c", WriteConfig(port, dir, maxPayload)])
    {
    }

    public static string? Binary { get; } = Find("nats-server");

    public const string MissingReason = "nats-server is not installed (apt-get install -y nats-server); test.sh installs it";

    public string Url => $"nats://127.0.0.1:{Port}";

    // A config file, since max_payload has no command-line flag: values up to a few MiB must pass.
    private static string WriteConfig(int port, string dir, string maxPayload)
    {
        var path = Path.Combine(dir, "nats.conf");
        File.WriteAllText(path, $$"""
            listen: "127.0.0.1:{{port}}"
            max_payload: {{maxPayload}}
            jetstream {
              store_dir: "{{Path.Combine(dir, "js")}}"
            }
            """);
        return path;
    }
}
