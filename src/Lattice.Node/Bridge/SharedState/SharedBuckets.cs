// The two JetStream key-value buckets wasmCloud 1.x hosts share a lattice's links and configs in:
// LATTICEDATA_{lattice} (COMPONENT_{id} keys) and CONFIGDATA_{lattice} (a key per config name).
// Opened as a wasmCloud host opens them (nats/mod.rs create_bucket): an existing bucket is used as
// it is, a missing one is created with the client's defaults (one value per key, file storage, one
// replica, no limits), which are also the defaults of async-nats, the client wasmCloud uses.
// A server without JetStream gets one warning line; the bridge then works without the buckets.
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed record SharedBuckets(INatsKVStore Data, INatsKVStore Config)
{
    public static string DataBucket(string lattice) => $"LATTICEDATA_{lattice}";

    public static string ConfigBucket(string lattice) => $"CONFIGDATA_{lattice}";

    /// <summary>Both buckets, or null (warned once) when the server offers no JetStream.</summary>
    public static async Task<SharedBuckets?> OpenAsync(INatsConnection connection, string lattice, string url, ILogger log, CancellationToken cancellationToken)
    {
        var kv = new NatsKVContext(new NatsJSContext(connection));
        while (true)
        {
            try
            {
                return new(await OpenAsync(kv, DataBucket(lattice), cancellationToken), await OpenAsync(kv, ConfigBucket(lattice), cancellationToken));
            }
            catch (Exception e) when (e is NatsException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (connection.ConnectionState != NatsConnectionState.Open)
                {
                    // NATS went away meanwhile: that says nothing about JetStream; ask again once it is back.
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                log.LogWarning("NATS bridge: JetStream is not available at {Url} ({Reason}); links and configs are not shared with wasmCloud hosts ({Data}, {Config})",
                    url, BridgeHost.Reason(e), DataBucket(lattice), ConfigBucket(lattice));
                return null;
            }
        }
    }

    private static async Task<INatsKVStore> OpenAsync(NatsKVContext kv, string bucket, CancellationToken cancellationToken)
    {
        try { return await kv.GetStoreAsync(bucket, cancellationToken); }
        catch (NatsJSApiException e) when (e.Error.Code == 404) { }
        try { return await kv.CreateStoreAsync(new NatsKVConfig(bucket), cancellationToken); }
        catch (NatsJSApiException)
        {
            // Another host created it between our look and our create.
            return await kv.GetStoreAsync(bucket, cancellationToken);
        }
    }
}
