using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lattice.Tests.Providers.Messaging;

/// <summary>
/// A real nats-server (Debian's nats-server package) on a free loopback port, killed on dispose.
/// Specs that need it are skipped when the binary is missing, unless LATTICE_REQUIRE_SERVERS=1 (CI).
/// </summary>
internal sealed class NatsServerProcess : IDisposable
{
    private readonly Process _process;

    private NatsServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static string? Binary => new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists);

    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_SERVERS") is "1" or "true";

    public const string MissingReason = "nats-server is not installed (apt-get install -y nats-server); test.sh installs it";

    /// <summary>Skips the calling spec when there is no nats-server and CI does not require one.</summary>
    public static void SkipUnlessAvailable() => Skip.If(Binary is null && !Required, MissingReason);

    public static NatsServerProcess Start()
    {
        var binary = Binary ?? throw new InvalidOperationException(MissingReason);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-a", "127.0.0.1", "-p", port.ToString() }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new NatsServerProcess(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited) { Thread.Sleep(50); }
        }
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
