using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// A real nats-server on a free loopback port with a small max_payload (64 KiB by default, so that
/// anything bigger must be chunked), in a temp directory, killed and deleted on dispose. Start waits
/// (bounded) for its "ready" log line. When nats-server is not installed the specs are skipped with
/// that reason, unless LATTICE_REQUIRE_SERVERS=1 (CI), which fails them instead.
/// </summary>
public sealed class NatsTestServer : IDisposable
{
    public const int DefaultMaxPayload = 64 * 1024;
    public const string MissingReason = "nats-server is not installed (apt-get install -y nats-server); test.sh installs it";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly string _dir;

    public NatsTestServer(int maxPayload = DefaultMaxPayload)
    {
        var binary = Binary ?? throw new InvalidOperationException(MissingReason);
        MaxPayload = maxPayload;
        _dir = Directory.CreateTempSubdirectory("lattice-wrpc-nats-").FullName;
        Port = FreePort();
        var config = Path.Combine(_dir, "nats.conf");
        File.WriteAllText(config, $"listen: \"127.0.0.1:{Port}\"\nmax_payload: {maxPayload}\n");
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = new Process { StartInfo = psi };
        DataReceivedEventHandler watch = (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            if (e.Data.Contains("Server is ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        _process.OutputDataReceived += watch;
        _process.ErrorDataReceived += watch;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"nats-server exited ({_process.ExitCode}): {string.Join(" | ", log)}"));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            if (!ready.Task.Wait(StartLimit))
                throw new InvalidOperationException($"nats-server did not get ready within {StartLimit.TotalSeconds} s: {string.Join(" | ", log)}");
        }
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

    public async Task<NatsConnection> ConnectAsync(string name = "wrpc-test")
    {
        var connection = new NatsConnection(new NatsOpts { Url = Url, Name = name });
        await connection.ConnectAsync();
        return connection;
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
    }
}

/// <summary>One nats-server per test class (null when it is not installed; each spec then skips).</summary>
public sealed class NatsFixture : IDisposable
{
    public NatsFixture() => Server = NatsTestServer.Binary is null ? null : new NatsTestServer();

    public NatsTestServer? Server { get; }

    /// <summary>The server, or a skip when nats-server is not installed.</summary>
    public NatsTestServer Require()
    {
        NatsTestServer.SkipUnlessInstalled();
        return Server!;
    }

    public void Dispose() => Server?.Dispose();
}
