using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Lattice.Node.Tests;

/// <summary>
/// One `lattice up` host as a real child process on loopback: started with free ports, awaited by
/// its "host ... up" line, stopped with SIGTERM (a graceful leave) and killed only if that hangs.
/// </summary>
internal sealed partial class HostProcess : IDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string name, int port, int adminPort, Process process)
    {
        Name = name;
        Port = port;
        AdminPort = adminPort;
        _process = process;
    }

    public string Name { get; }

    public int Port { get; }

    public int AdminPort { get; }

    public string AdminUrl => $"http://127.0.0.1:{AdminPort}";

    /// <summary>Its cluster address in the default lattice.</summary>
    public string Address => $"akka.tcp://default@127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _output);

    /// <summary>Starts `lattice up` with free ports, the data directory and database given, and <paramref name="extra"/> flags.</summary>
    public static HostProcess Start(string name, string dataDir, string database, IEnumerable<string> extra, int? port = null, int? adminPort = null)
    {
        var p = port ?? FreePort();
        var a = adminPort ?? FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lattice.dll"));
        foreach (var arg in (string[])["up", "--data", dataDir, "--port", p.ToString(), "--admin-port", a.ToString(),
                     "--db", database, "--db-provider", "SQLite.MS", .. extra])
            start.ArgumentList.Add(arg);
        start.Environment["LATTICE_CACHE_DIR"] = Path.Combine(Path.GetTempPath(), "lattice-node-tests-cache");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(name, p, a, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            host._output.Enqueue("out: " + e.Data);
            if (e.Data.StartsWith("host ", StringComparison.Ordinal)) host._up.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) host._output.Enqueue("err: " + e.Data);
        };
        process.Exited += (_, _) => host._up.TrySetException(new InvalidOperationException($"{name} exited before it was up\n{host.Output}"));
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>The "host ID up: ADDRESS, admin API URL" line.</summary>
    public async Task<string> WaitUpAsync()
    {
        try { return await _up.Task.WaitAsync(UpTimeout); }
        catch (TimeoutException) { throw new TimeoutException($"{Name} was not up within {UpTimeout}\n{Output}"); }
    }

    /// <summary>SIGTERM, as a service manager stops it; true when it exited by itself in time.</summary>
    public bool Stop()
    {
        if (_process.HasExited) return true;
        _ = SendSignal(_process.Id, 15);
        if (_process.WaitForExit(StopTimeout)) return true;
        Kill();
        return false;
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    /// <summary>A port nobody listens on right now (the OS picks it; there is a small race until the host binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
