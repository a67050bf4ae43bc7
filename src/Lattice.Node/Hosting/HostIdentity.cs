// Who this host is, as `get hosts` shows it. The host id is wasmCloud-shaped (an "N" and 55 base32
// characters) and kept in the data directory, so a restarted host keeps its id.
using System.Reflection;
using System.Security.Cryptography;
using Lattice.Actors;

namespace Lattice.Node.Hosting;

internal sealed record HostIdentity(string HostId, IReadOnlyDictionary<string, string> Labels, DateTimeOffset StartedAt, string Lattice, string Version)
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string ProductVersion { get; } =
        typeof(HostIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static HostIdentity For(LatticeHostOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var file = Path.Combine(options.DataDirectory, "host-id");
        var id = File.Exists(file) ? File.ReadAllText(file).Trim() : "";
        if (id.Length == 0)
        {
            id = "N" + string.Concat(RandomNumberGenerator.GetItems<char>(Base32, 55));
            File.WriteAllText(file, id + "\n");
        }
        return new HostIdentity(id, options.Labels, DateTimeOffset.UtcNow, options.Lattice, ProductVersion);
    }
}
