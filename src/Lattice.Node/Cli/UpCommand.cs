// `lattice up`: run a host (until SIGTERM or Ctrl-C, which leave the cluster gracefully), or with
// --nodes N a dev cluster of N host processes on 127.0.0.1.
using System.CommandLine;
using System.Globalization;
using System.Net;
using Lattice.Actors;
using Lattice.Node.Bridge;
using Lattice.Node.Cli.Ops;
using Lattice.Node.Hosting;

namespace Lattice.Node.Cli;

internal static class UpCommand
{
    private static readonly string[] Providers = ["SQLite.MS", "PostgreSQL.15", "PostgreSQL.13", "PostgreSQL.18"];

    public static Command Create()
    {
        var lattice = new Option<string>("--lattice") { HelpName = "NAME", Description = "The lattice to join or create (default: default)", DefaultValueFactory = _ => "default" };
        var data = new Option<string>("--data") { HelpName = "DIR", Description = "Data directory (default: ~/.local/share/lattice/LATTICE)" };
        var label = new Option<string[]>("--label") { HelpName = "KEY=VALUE", Description = "A host label, used for placement; repeatable" };
        var hostname = new Option<string>("--hostname") { HelpName = "HOST", Description = "The address other hosts reach this one at (default: 127.0.0.1)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { HelpName = "N", Description = "Cluster (Akka remoting) port (default: 4100)", DefaultValueFactory = _ => 4100 };
        var adminPort = new Option<int>("--admin-port") { HelpName = "N", Description = "Admin HTTP API port (default: 4000)", DefaultValueFactory = _ => 4000 };
        var adminBind = new Option<string>("--admin-bind") { HelpName = "ADDRESS", Description = "Interface of the admin API (default: 127.0.0.1; 0.0.0.0 only inside a container)", DefaultValueFactory = _ => "127.0.0.1" };
        var join = new Option<string[]>("--join") { HelpName = "HOST:PORT", Description = "A member of the cluster to join; repeatable (default: seed a new cluster)" };
        var db = new Option<string>("--db") { HelpName = "CONNSTRING", Description = "Lattice database connection string (default: SQLite file in the data directory)" };
        var dbProvider = new Option<string>("--db-provider") { HelpName = "PROVIDER", Description = "SQLite.MS or PostgreSQL.15 (default: PostgreSQL.15 for Host=... strings, else SQLite.MS)" };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "Default deadline of calls (default: 30)", DefaultValueFactory = _ => 30 };
        var nodes = new Option<int>("--nodes") { HelpName = "N", Description = "Start a dev cluster of N hosts on 127.0.0.1 (ports PORT.., admin ports ADMIN-PORT..)", DefaultValueFactory = _ => 1 };
        var nats = new Option<string>("--nats") { HelpName = "URL", Description = "Join the wasmCloud lattice on this NATS server (control interface, events); default: no NATS" };
        var natsCreds = new Option<string>("--nats-creds") { HelpName = "FILE", Description = "NATS credentials file (JWT and seed) for --nats" };
        dbProvider.AcceptOnlyFromAmong(Providers);

        var command = new Command("up", "Start a lattice host: joins (or seeds) the cluster and serves the admin API until stopped")
        {
            lattice, data, label, hostname, port, adminPort, adminBind, join, db, dbProvider, timeout, nodes, nats, natsCreds,
        };
        command.SetAction(async (parse, ct) =>
        {
            HostSettings settings;
            int count;
            try
            {
                var name = parse.GetRequiredValue(lattice);
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    throw new CliError($"--lattice must be letters, digits, '-' and '_', got '{name}'");
                var connection = parse.GetValue(db);
                var options = new LatticeHostOptions
                {
                    Lattice = name,
                    DataDirectory = Path.GetFullPath(parse.GetValue(data) ?? HostSettings.DefaultDataDirectory(name)),
                    Labels = KeyValues.Parse(parse.GetValue(label) ?? [], "--label"),
                    Hostname = parse.GetRequiredValue(hostname),
                    Port = Port(parse.GetValue(port), "--port", allowZero: true),
                    Join = (parse.GetValue(join) ?? []).Select(CheckJoin).ToList(),
                    Database = connection,
                    DatabaseProvider = parse.GetValue(dbProvider) ?? (connection?.Contains("Host=", StringComparison.OrdinalIgnoreCase) == true ? "PostgreSQL.15" : "SQLite.MS"),
                    CallTimeout = TimeSpan.FromSeconds(Seconds(parse.GetValue(timeout))),
                };
                var bind = parse.GetRequiredValue(adminBind);
                if (!IPAddress.TryParse(bind, out _)) throw new CliError($"--admin-bind must be an IP address, got '{bind}'");
                settings = new HostSettings(options, bind, Port(parse.GetValue(adminPort), "--admin-port", allowZero: false))
                {
                    Nats = Nats(parse.GetValue(nats), parse.GetValue(natsCreds)),
                };
                count = parse.GetValue(nodes);
                if (count is < 1 or > 9) throw new CliError($"--nodes must be between 1 and 9, got {count}");
            }
            catch (CliError e)
            {
                CliOutput.Error(e.Message);
                return e.ExitCode;
            }
            return count == 1 ? await RunHostAsync(settings) : await DevCluster.RunAsync(settings, count, parse.GetValue(db) is not null);
        });
        return command;
    }

    private static async Task<int> RunHostAsync(HostSettings settings)
    {
        try
        {
            var (app, node) = LatticeHost.Build(settings);
            await using (app) await app.RunAsync();
            return node.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CliOutput.Error($"the host stopped: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static int Port(int port, string option, bool allowZero) =>
        port is >= 1 and <= 65535 || (allowZero && port == 0) ? port : throw new CliError($"{option} must be a port number (1-65535), got {port}");

    private static double Seconds(double seconds) =>
        seconds is > 0 and <= 86400 ? seconds : throw new CliError($"--timeout must be a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");

    private static NatsSettings? Nats(string? url, string? creds)
    {
        if (url is null) return creds is null ? null : throw new CliError("--nats-creds needs --nats URL");
        if (NatsSettings.Invalid(url) is { } problem) throw new CliError(problem);
        if (creds is not null && !File.Exists(creds)) throw new CliError($"--nats-creds {creds}: no such file");
        return new NatsSettings(url, creds is null ? null : Path.GetFullPath(creds));
    }

    private static string CheckJoin(string seed)
    {
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var p) || p is < 1 or > 65535)
            throw new CliError($"--join {seed}: expected HOST:PORT");
        return seed;
    }
}
