// One lattice host: a generic host with the Akka.NET actor system (configured by the runtime's own
// HOCON through Akka.Hosting), the lattice runtime, and the admin API on Kestrel. Stopping the host
// (SIGTERM, Ctrl-C, `cluster leave`) runs CoordinatedShutdown: leave the cluster, hand shards off.
using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Lattice.Actors;
using Lattice.Node.Admin;
using Lattice.Node.Bridge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Lattice.Node.Hosting;

internal static class LatticeHost
{
    /// <summary>Log levels unless the environment says otherwise (Logging__LogLevel__Akka=Information).</summary>
    private static readonly Dictionary<string, string?> DefaultLogLevels = new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Lattice"] = "Information",
        ["Logging:LogLevel:Akka"] = "Warning",
        // A host that cannot start says why in one `error:` line; the generic host's stack trace adds nothing.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting"] = "Critical",
    };

    public static (WebApplication App, LatticeNode Node) Build(HostSettings settings)
    {
        var options = settings.Options;
        var node = new LatticeNode(settings, HostIdentity.For(options));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = DefaultLogLevels });
        builder.Logging.ClearProviders();
        // Logs go to stderr: stdout carries only the "up" line, for people and scripts.
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(40));
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Parse(settings.AdminBind), settings.AdminPort);
            k.Limits.MaxRequestBodySize = AdminApi.MaxArtifactBytes;
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = AdminJson.Options.PropertyNamingPolicy;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            o.SerializerOptions.DefaultIgnoreCondition = AdminJson.Options.DefaultIgnoreCondition;
        });
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton(node);

        builder.Services.AddAkka(options.Lattice, (akka, _) =>
        {
            // The runtime's HOCON is authoritative (remoting, cluster, SBR, sharding, persistence,
            // serialization); the Node adds only its logging bridge and its peer messages' serializer.
            akka.AddHocon(LatticeConfig.Build(options), HoconAddMode.Prepend);
            akka.ConfigureLoggers(l =>
            {
                l.LogLevel = Akka.Event.LogLevel.InfoLevel;
                l.ClearLoggers();
                l.AddLoggerFactory();
            });
            // Akka writes its last lines (after the logger stops) to stdout, which carries only the up line.
            // Signals belong to the generic host (SignalLifetime), whose stop runs CoordinatedShutdown:
            // Akka's own CLR hook would also act on a SIGINT that a dev cluster's host must ignore.
            akka.AddHocon("akka.stdout-loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend);
            akka.WithCustomSerializer("lattice-admin", [typeof(IAdminPeerMessage)], system => new AdminPeerSerializer(system));
        });
        builder.Services.AddHostedService<RuntimeService>();
        if (settings.Nats is { } nats)
        {
            // After the runtime service, so it stops first: host_stopped goes out before the host leaves.
            builder.Services.AddSingleton(nats);
            builder.Services.AddSingleton<NatsBridge>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<NatsBridge>());
        }

        var app = builder.Build();
        AdminApi.Map(app);
        return (app, node);
    }
}
