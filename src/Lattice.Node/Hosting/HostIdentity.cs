// Who this host is, as `get hosts` shows it. The host id is a wasmCloud host id, the public key of a
// server nkey ("N" and 55 base32 characters), kept in the data directory, so a restarted host keeps
// it. Only the public key is kept: the host signs nothing with it.
using System.Reflection;
using Lattice.Actors;
using NATS.NKeys;

namespace Lattice.Node.Hosting;

internal sealed record HostIdentity(string HostId, IReadOnlyDictionary<string, string> Labels, DateTimeOffset StartedAt, string Lattice, string Version)
{
    public static string ProductVersion { get; } =
        typeof(HostIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static HostIdentity For(LatticeHostOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var file = Path.Combine(options.DataDirectory, "host-id");
        var id = File.Exists(file) ? File.ReadAllText(file).Trim() : "";
        if (id.Length == 0)
        {
            using var key = KeyPair.CreatePair(PrefixByte.Server);
            id = key.GetPublicKey();
            File.WriteAllText(file, id + "\n");
        }
        return new HostIdentity(id, options.Labels, DateTimeOffset.UtcNow, options.Lattice, ProductVersion);
    }
}
