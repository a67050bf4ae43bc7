// The generic host's lifetime, but with signals we choose: SIGTERM (and SIGINT, SIGQUIT) stop the
// host, which runs CoordinatedShutdown: a graceful leave with shard hand-off. Hosts started by
// `lattice up --nodes N` ignore SIGINT: Ctrl-C reaches the whole process group, and the parent
// must stop the workers before the seed (a seed that leaves first stalls the others' shutdown).
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Lattice.Node.Hosting;

internal sealed class SignalLifetime(IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
{
    /// <summary>Set by the dev cluster for its children.</summary>
    public const string IgnoreSigintVariable = "LATTICE_IGNORE_SIGINT";

    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var ignoreSigint = Environment.GetEnvironmentVariable(IgnoreSigintVariable) == "1";
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, ignoreSigint ? Ignore : Stop));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    private static void Ignore(PosixSignalContext context) => context.Cancel = true;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
