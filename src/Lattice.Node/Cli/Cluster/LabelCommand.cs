// `lattice label ADDRESS KEY=VALUE... KEY-...`: change a running host's labels, as `kubectl label
// node` and `wash label` do. The change is kept in the lattice state (it outlives the host's process),
// placement sees it at once, and instances whose placement labels the host no longer has move away
// at the next rebalance.
using System.CommandLine;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.Cluster;

internal static class LabelCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var address = new Argument<string>("ADDRESS") { Description = "The member (akka.tcp://LATTICE@HOST:PORT or HOST:PORT)" }.RejectingOptions();
        var changes = new Argument<string[]>("KEY=VALUE|KEY-")
        {
            Description = "Labels to set (KEY=VALUE) or remove (KEY-)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("label", "Set or remove labels of a running host; placement follows") { address, changes };
        ops.AddTo(command);
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var (set, remove) = Parse(parse.GetValue(changes) ?? []);
            var member = await client.LabelAsync(new LabelBody(parse.GetRequiredValue(address), set, remove), ct);
            return ops.Json(parse) ? OpsOutput.Json(member) : OpsOutput.Done($"{member.Address} labels: {Show(member.Labels)}");
        });
        return command;
    }

    public static (Dictionary<string, string> Set, List<string> Remove) Parse(IEnumerable<string> changes)
    {
        var remove = new List<string>();
        var set = new List<string>();
        foreach (var change in changes)
        {
            if (change.EndsWith('-') && !change.Contains('=')) remove.Add(change[..^1]);
            else set.Add(change);
        }
        if (remove.FirstOrDefault(r => r.Length == 0) is not null) throw new CliError("label '-': expected KEY- to remove KEY", ExitCodes.Usage);
        return (KeyValues.Parse(set, "label"), remove);
    }

    public static string Show(IReadOnlyDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? "(none)" : string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
