using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Persistence.Sql;

namespace Lattice.Actors;

/// <summary>
/// The complete configuration of one host: its address, seeds and database on top of our
/// reference.conf (with the reasoning for every cluster setting), on top of Akka's plugin defaults.
/// </summary>
public static class LatticeConfig
{
    private static readonly Lazy<Config> s_reference = new(() =>
    {
        var assembly = typeof(LatticeConfig).Assembly;
        using var stream = assembly.GetManifestResourceStream(assembly.GetManifestResourceNames().Single(n => n.EndsWith("reference.conf", StringComparison.Ordinal)))!;
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>Our reference.conf alone.</summary>
    public static Config Reference => s_reference.Value;

    public static Config Build(LatticeHostOptions o)
    {
        var self = $"akka.tcp://{o.Lattice}@{o.Hostname}:{o.Port}";
        var seeds = o.Join.Count == 0 ? [self] : o.Join.Select(j => $"akka.tcp://{o.Lattice}@{j}").ToArray();
        var roles = string.Join(", ", o.Labels.Select(kv => Quote($"{kv.Key}={kv.Value}")).Prepend(Quote("host")));
        var conn = Quote(o.ConnectionString);
        var provider = Quote(o.DatabaseProvider);
        var hocon = $$"""
            akka.remote.dot-netty.tcp { hostname = {{Quote(o.Hostname)}}, port = {{o.Port}} }
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(Quote))}}]
            akka.cluster.roles = [{{roles}}]
            akka.persistence.journal.sql { connection-string = {{conn}}, provider-name = {{provider}}, auto-initialize = true }
            akka.persistence.snapshot-store.sql { connection-string = {{conn}}, provider-name = {{provider}}, auto-initialize = true }
            akka.persistence.query.journal.sql { connection-string = {{conn}}, provider-name = {{provider}} }
            lattice.call-timeout = {{(int)o.CallTimeout.TotalMilliseconds}}ms
            lattice.queue-per-instance = {{o.QueuePerInstance}}
            """;
        return ConfigurationFactory.ParseString(hocon)
            .WithFallback(Reference)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig());
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
