// Everything `lattice up` was told, parsed and checked: the runtime's options plus where the admin API listens.
using Lattice.Actors;

namespace Lattice.Node.Hosting;

internal sealed record HostSettings(LatticeHostOptions Options, string AdminBind, int AdminPort)
{
    public string AdminUrl => $"http://{(AdminBind is "0.0.0.0" or "::" ? "127.0.0.1" : AdminBind)}:{AdminPort}";

    public static string DefaultDataDirectory(string lattice) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "lattice", lattice);
}
