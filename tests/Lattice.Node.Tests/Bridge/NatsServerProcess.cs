using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A real nats-server on a free loopback port, in a temp directory, that can be killed and started
/// again on the same port (the bridge must reconnect to it). The pattern of the Providers tests'
/// LocalServer (JetStream on): start waits (bounded) for "Server is ready". When nats-server is not installed
/// the specs skip, unless LATTICE_REQUIRE_SERVERS=1, which fails them.
/// </summary>
internal sealed class NatsServerProcess : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-nats-").FullName;
    private Process? _process;

    public NatsServerProcess()
    {
        Port = FreePort();
        Start();
    }

    public static string? Binary { get; } = Find("nats-server");

    public const string MissingReason = "nats-server is not installed (apt-get install -y nats-server); test.sh installs it";

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_SERVERS") is "1" or "true";

    /// <summary>Skips (or, when servers are required, fails) a spec when nats-server is missing.</summary>
    public static void SkipUnlessInstalled()
    {
        if (Binary is not null) return;
        if (Required) Assert.Fail(MissingReason + " (LATTICE_REQUIRE_SERVERS=1)");
        Skip.If(true, MissingReason);
    }

    public void Start()
    {
        var psi = new ProcessStartInfo(Binary ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir,
        };
        // JetStream's store stays in the directory across restarts, so a stream sees what is published the moment the server is back.
        foreach (var a in (string[])["-a", "127.0.0.1", "-p", Port.ToString(), "-js", "-sd", Path.Combine(_dir, "js")]) psi.ArgumentList.Add(a);
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
        if (!ready.Task.Wait(StartLimit)) throw new InvalidOperationException($"nats-server was not ready within {StartLimit.TotalSeconds} s: {string.Join(" | ", log)}");
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
        catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
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
