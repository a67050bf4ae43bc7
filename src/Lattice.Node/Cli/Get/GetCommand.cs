// `lattice get hosts | inventory [HOST_ID] | links | config [NAME] | components | providers`: wash's
// read-only views of the lattice, from any host.
using System.CommandLine;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.Get;

internal static class GetCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("get", "Show hosts, inventories, links, configs, components and providers (wash's get)")
        {
            Hosts(ops), Inventory(ops), Links(ops), Config(ops), Components(ops), Providers(ops),
        };
        ops.AddTo(command);
        return command;
    }

    private static Command Hosts(OpsOptions ops)
    {
        var command = new Command("hosts", "Every host: host id, address, labels, status, uptime");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var hosts = await client.HostsAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(hosts)
                : OpsOutput.Table(hosts, ["HOST ID", "ADDRESS", "LABELS", "STATUS", "UPTIME"],
                    h => [h.HostId ?? "?", h.Address, OpsOutput.Labels(h.Labels), h.Reachable ? h.Status : h.Status + " (unreachable)", OpsOutput.Uptime(h.UptimeSeconds)]);
        });
        return command;
    }

    private static Command Inventory(OpsOptions ops)
    {
        var host = new Argument<string?>("HOST_ID") { Description = "One host (its id, a unique prefix of it, or its address); default: every host", Arity = ArgumentArity.ZeroOrOne }
            .RejectingOptions();
        var command = new Command("inventory", "The component instances and providers running on each host") { host };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var inventories = await client.InventoryAsync(parse.GetValue(host), ct);
            if (ops.Json(parse)) return OpsOutput.Json(inventories);
            foreach (var inventory in inventories) InventoryView.Write(inventory);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Links(OpsOptions ops, string name = "links")
    {
        var command = new Command(name, "Every link: source, target, interfaces, name");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var links = await client.LinksAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(links)
                : OpsOutput.Table(links, ["SOURCE", "TARGET", "INTERFACES", "NAME", "SOURCE CONFIG", "TARGET CONFIG"],
                    l => [l.SourceId, l.Target, $"{l.WitNamespace}:{l.WitPackage}/{string.Join(",", l.Interfaces)}", l.Name,
                          string.Join(",", l.SourceConfig), string.Join(",", l.TargetConfig)], "no links");
        });
        return command;
    }

    public static Command Config(OpsOptions ops, string name = "config", bool nameRequired = false)
    {
        var config = new Argument<string>("NAME") { Description = "One config; default: all", Arity = nameRequired ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne }
            .RejectingOptions();
        var command = new Command(name, "Named configs, with secret-looking values (key, secret, password, token) masked") { config };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var wanted = parse.GetValue(config);
            if (wanted is not null)
            {
                var one = await client.ConfigAsync(wanted, ct);
                return ops.Json(parse) ? OpsOutput.Json(one) : OpsOutput.Table(one.Values, ["KEY", "VALUE"], kv => [kv.Key, kv.Value], $"config '{one.Name}' is empty");
            }
            var all = await client.ConfigsAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(all)
                : OpsOutput.Table(all, ["NAME", "VALUES"], c => [c.Name, OpsOutput.Labels(c.Values)], "no configs");
        });
        return command;
    }

    private static Command Components(OpsOptions ops)
    {
        var command = new Command("components", "The components the lattice should run, with their scale");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var components = await client.ComponentsAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(components)
                : OpsOutput.Table(components, ["ID", "INSTANCES", "ARTIFACT", "CONFIG", "PLACEMENT"],
                    c => [c.Id, c.Instances.ToString(), c.Artifact[..12], string.Join(",", c.Config), OpsOutput.Labels(c.Placement)], "no components");
        });
        return command;
    }

    private static Command Providers(OpsOptions ops)
    {
        var command = new Command("providers", "The providers the lattice should run");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var providers = await client.ProvidersAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(providers)
                : OpsOutput.Table(providers, ["ID", "KIND", "CONFIG"], p => [p.Id, p.Kind, string.Join(",", p.Config)], "no providers");
        });
        return command;
    }
}
