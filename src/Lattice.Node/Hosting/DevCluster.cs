// `lattice up --nodes N`: N host processes on 127.0.0.1 forming one cluster, their output
// forwarded with a [host-i] prefix. They share one lattice database (SQLite in the base data
// directory unless --db names one), each has its own data directory. Ctrl-C stops the workers
// first and the seed last: a seed that leaves first stalls the others' shutdown for 10 s.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lattice.Node.Admin;
using Lattice.Node.Cli;

namespace Lattice.Node.Hosting;

internal static partial class DevCluster
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RemovalWait = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(HostSettings settings, int count, bool sharedDatabaseGiven)
    {
        var o = settings.Options;
        if (o.Port == 0) throw new CliError("--nodes needs a fixed --port for its seed");
        if (o.Port + count - 1 > 65535 || settings.AdminPort + count - 1 > 65535) throw new CliError("--port and --admin-port leave no room for that many hosts");
        var database = sharedDatabaseGiven ? o.Database! : $"Data Source={Path.Combine(o.DataDirectory, "lattice.db")};Default Timeout=30;Pooling=True";
        var provider = sharedDatabaseGiven ? o.DatabaseProvider : "SQLite.MS";

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });

        var hosts = new List<Child>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                List<string> args =
                [
                    "up", "--lattice", o.Lattice, "--data", Path.Combine(o.DataDirectory, $"host-{i + 1}"),
                    "--port", (o.Port + i).ToString(), "--admin-port", (settings.AdminPort + i).ToString(),
                    "--db", database, "--db-provider", provider, "--timeout", o.CallTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ];
                foreach (var (k, v) in o.Labels) args.AddRange(["--label", $"{k}={v}"]);
                if (settings.Nats is { } nats) args.AddRange(nats.CredsFile is null ? ["--nats", nats.Url] : ["--nats", nats.Url, "--nats-creds", nats.CredsFile]);
                if (i > 0) args.AddRange(["--join", $"127.0.0.1:{o.Port}"]);
                var child = Child.Start($"host-{i + 1}", args);
                hosts.Add(child);
                // Workers start once the seed is up, so they join at the first try.
                if (i == 0 && await Task.WhenAny(child.Up, child.Exited, stop.Task, Task.Delay(UpTimeout)) != child.Up)
                    return await StopAllAsync(hosts, settings, child.Exited.IsCompleted ? "the seed host exited" : stop.Task.IsCompleted ? null : "the seed host did not come up");
            }
            var allUp = Task.WhenAll(hosts.Select(h => h.Up));
            if (await Task.WhenAny(allUp, stop.Task, Task.WhenAny(hosts.Select(h => h.Exited)), Task.Delay(UpTimeout)) == allUp)
            {
                Console.Out.WriteLine($"lattice {o.Lattice}: {count} hosts up; admin APIs http://127.0.0.1:{settings.AdminPort}..{settings.AdminPort + count - 1} " +
                                      "(try `lattice get hosts`); Ctrl-C stops them, workers first");
                await Task.WhenAny(stop.Task, Task.WhenAll(hosts.Select(h => h.Exited)));
            }
            return await StopAllAsync(hosts, settings, stop.Task.IsCompleted ? null : "a host exited or did not come up");
        }
        catch
        {
            foreach (var h in hosts) h.Kill();
            throw;
        }
    }

    private static async Task<int> StopAllAsync(List<Child> hosts, HostSettings settings, string? failure)
    {
        if (failure is not null) CliOutput.Error(failure + "; stopping the others");
        using var seed = new AdminClient(new Uri(settings.AdminUrl + "/"));
        // Workers first (newest first), the seed last.
        for (var i = hosts.Count - 1; i >= 0; i--)
        {
            await hosts[i].StopAsync(StopTimeout);
            if (i > 0) await WaitRemovedAsync(seed, $"127.0.0.1:{settings.Options.Port + i}");
        }
        return failure is null ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>
    /// The next host leaves only once the seed has seen this one removed: leaving while another
    /// removal is still in flight stalls the shard coordinator's state updates (and so the seed's
    /// own shutdown) for its 10 s update timeout.
    /// </summary>
    private static async Task WaitRemovedAsync(AdminClient seed, string hostAndPort)
    {
        var deadline = DateTime.UtcNow + RemovalWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var cluster = await seed.ClusterAsync(CancellationToken.None);
                if (!cluster.Members.Any(m => m.Address.EndsWith("@" + hostAndPort, StringComparison.Ordinal))) return;
            }
            catch (AdminClientException)
            {
                return; // the seed is gone already: nothing to wait for
            }
            await Task.Delay(200);
        }
    }

    private sealed class Child
    {
        private readonly Process _process;
        private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _name;

        private Child(string name, Process process)
        {
            _name = name;
            _process = process;
        }

        public Task Up => _up.Task;

        public Task Exited => _exited.Task;

        public static Child Start(string name, IEnumerable<string> args)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Under `dotnet lattice.dll` the process path is dotnet itself.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(DevCluster).Assembly.Location);
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment[SignalLifetime.IgnoreSigintVariable] = "1";
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var child = new Child(name, process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (e.Data.StartsWith("host ", StringComparison.Ordinal)) child._up.TrySetResult();
                Console.Out.WriteLine($"[{name}] {e.Data}");
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) Console.Error.WriteLine($"[{name}] {e.Data}");
            };
            process.Exited += (_, _) => child._exited.TrySetResult();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }

        /// <summary>SIGTERM (a graceful leave), then SIGKILL if it does not exit in time.</summary>
        public async Task StopAsync(TimeSpan timeout)
        {
            if (_process.HasExited) return;
            Console.Out.WriteLine($"[{_name}] stopping (graceful leave)");
            _ = SendSignal(_process.Id, Sigterm);
            if (await Task.WhenAny(Exited, Task.Delay(timeout)) != Exited)
            {
                Console.Error.WriteLine($"[{_name}] did not stop within {timeout.TotalSeconds:0} s; killing it");
                Kill();
            }
            await _process.WaitForExitAsync();
            Console.Out.WriteLine($"[{_name}] exited with code {_process.ExitCode}");
        }

        public void Kill()
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
