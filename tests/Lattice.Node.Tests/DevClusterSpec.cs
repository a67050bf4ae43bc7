using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Lattice.Node.Tests;

/// <summary>`lattice up --nodes 3`: three host processes that form one cluster and stop workers first.</summary>
[Collection(HostsCollection.Name)]
public sealed partial class DevClusterSpec
{
    [Fact]
    public async Task Three_hosts_form_one_cluster_and_stop_workers_before_the_seed()
    {
        var port = ConsecutiveFreePorts(3);
        var adminPort = ConsecutiveFreePorts(3);
        var data = Directory.CreateTempSubdirectory("lattice-dev-");
        var output = new ConcurrentQueue<string>();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "lattice.dll"), "up", "--nodes", "3", "--data", data.FullName,
                     "--port", port.ToString(), "--admin-port", adminPort.ToString()])
            start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.Contains("3 hosts up", StringComparison.Ordinal)) up.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (await Task.WhenAny(up.Task, Task.Delay(TimeSpan.FromSeconds(120))) != up.Task) Assert.Fail("not up:\n" + string.Join('\n', output));
            var cluster = Ops.Eventually(AdminUrl(adminPort), r => r.ExitCode == 0 && TestCluster.UpMembers(r.Stdout) == 3, "cluster", "show", "-o", "json");
            for (var i = 0; i < 3; i++) Assert.Contains($"akka.tcp://default@127.0.0.1:{port + i}", cluster.Stdout);
            Assert.Equal(3, Ops.Json(AdminUrl(adminPort + 2), "get", "hosts").AsArray().Count);

            _ = SendSignal(process.Id, 15);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "did not stop:\n" + string.Join('\n', output));
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n" + string.Join('\n', output));
            var stopping = output.Where(l => l.EndsWith("stopping (graceful leave)", StringComparison.Ordinal)).ToList();
            Assert.Equal(["[host-3] stopping (graceful leave)", "[host-2] stopping (graceful leave)", "[host-1] stopping (graceful leave)"], stopping);
            Assert.Equal(3, output.Count(l => l.EndsWith("exited with code 0", StringComparison.Ordinal)));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { data.Delete(recursive: true); }
            catch (IOException) { }
        }
    }

    private static string AdminUrl(int adminPort) => $"http://127.0.0.1:{adminPort}";

    /// <summary>N consecutive ports that are free right now (a race remains until the hosts bind them).</summary>
    private static int ConsecutiveFreePorts(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = HostProcess.FreePort();
            if (first + count > 65535) continue;
            var listeners = new List<TcpListener>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var l = new TcpListener(IPAddress.Loopback, first + i);
                    l.Start();
                    listeners.Add(l);
                }
                return first;
            }
            catch (SocketException) { }
            finally
            {
                foreach (var l in listeners) l.Stop();
            }
        }
        throw new InvalidOperationException("no consecutive free ports");
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
