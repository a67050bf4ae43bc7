// `lattice up --nats URL [--nats-creds FILE]`: where the bridge connects and with which credentials.
namespace Lattice.Node.Bridge;

internal sealed record NatsSettings(string Url, string? CredsFile = null)
{
    /// <summary>How often the host publishes host_heartbeat (wasmCloud's default).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The URL(s) as `host.ping` shows them (ctl_host, rpc_host): without any user:password.</summary>
    public string PublicUrl => string.Join(',', Url.Split(',', StringSplitOptions.TrimEntries).Select(u =>
        Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString().TrimEnd('/') : u));

    /// <summary>Checks a --nats value: one or more comma-separated nats:// (tls://, ws://, wss://) URLs; null when fine.</summary>
    public static string? Invalid(string url)
    {
        foreach (var part in url.Split(',', StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || uri.Host.Length == 0)
                return $"--nats must be a nats://HOST:PORT URL (or a comma-separated list), got '{url}'";
        return null;
    }
}
