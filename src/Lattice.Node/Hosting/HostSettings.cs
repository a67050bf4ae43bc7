// Everything `lattice up` was told, parsed and checked: the runtime's options plus where the admin API listens.
using Lattice.Actors;
using Lattice.Node.Bridge;

namespace Lattice.Node.Hosting;

internal sealed record HostSettings(LatticeHostOptions Options, string AdminBind, int AdminPort)
{
    /// <summary>The NATS bridge's server and credentials (`--nats`, `--nats-creds`); null = no bridge.</summary>
    public NatsSettings? Nats { get; init; }

    public string AdminUrl => $"http://{(AdminBind is "0.0.0.0" or "::" ? "127.0.0.1" : AdminBind)}:{AdminPort}";

    public static string DefaultDataDirectory(string lattice) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "lattice", lattice);
}
