// `lattice cluster ...`: Petabridge.Cmd's cluster palette (show, status, leader, leave,
// down-unreachable, join), answered by any host's admin API.
using System.CommandLine;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.Cluster;

internal static class ClusterCommand
{
    private static readonly string[] MemberColumns = ["ADDRESS", "STATUS", "REACHABLE", "LABELS", "LEADER", "SELF"];

    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("cluster", "Cluster membership (Petabridge.Cmd's cluster commands)")
        {
            Show(ops), Status(ops), Leader(ops), Leave(ops), DownUnreachable(ops), Join(ops),
        };
        ops.AddTo(command);
        return command;
    }

    private static Command Show(OpsOptions ops)
    {
        var command = new Command("show", "Every member of the cluster: address, status, reachability, labels");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var cluster = await client.ClusterAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(cluster)
                : OpsOutput.Table(cluster.Members, MemberColumns, MemberRow, caption: $"Count: {cluster.Members.Count} nodes");
        });
        return command;
    }

    private static Command Status(OpsOptions ops)
    {
        var command = new Command("status", "This host's own membership");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var self = await client.SelfAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(self) : OpsOutput.Table([self], MemberColumns, MemberRow);
        });
        return command;
    }

    private static Command Leader(OpsOptions ops)
    {
        var command = new Command("leader", "The cluster leader's address");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var leader = await client.LeaderAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(leader) : OpsOutput.Done(leader.Leader ?? "(no leader)");
        });
        return command;
    }

    private static Command Leave(OpsOptions ops)
    {
        var address = new Argument<string?>("ADDRESS")
        {
            Description = "The member that leaves (akka.tcp://LATTICE@HOST:PORT or HOST:PORT); default: the host --host names",
            Arity = ArgumentArity.ZeroOrOne,
        }.RejectingOptions();
        var command = new Command("leave", "Graceful leave: the member hands its shards off, then its process exits") { address };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var left = await client.LeaveAsync(parse.GetValue(address), ct);
            return ops.Json(parse) ? OpsOutput.Json(left) : OpsOutput.Done($"leaving: {left.Address}");
        });
        return command;
    }

    private static Command DownUnreachable(OpsOptions ops)
    {
        var command = new Command("down-unreachable", "Mark every unreachable member down, so its shards move now");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var downed = await client.DownUnreachableAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(downed)
                : OpsOutput.Done(downed.Downed.Count == 0 ? "no unreachable members" : "downed: " + string.Join(", ", downed.Downed));
        });
        return command;
    }

    private static Command Join(OpsOptions ops)
    {
        var address = new Argument<string>("ADDRESS") { Description = "A member to join (akka.tcp://LATTICE@HOST:PORT or HOST:PORT)" }.RejectingOptions();
        var command = new Command("join", "Make the host --host names join the cluster at ADDRESS") { address };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var joined = await client.JoinAsync(parse.GetRequiredValue(address), ct);
            return ops.Json(parse) ? OpsOutput.Json(joined) : OpsOutput.Done($"joining: {joined.Address}");
        });
        return command;
    }

    private static IEnumerable<string> MemberRow(MemberInfo m) =>
        [m.Address, m.Status, m.Reachable ? "yes" : "UNREACHABLE", LabelCommand.Show(m.Labels), m.IsLeader ? "*" : "", m.IsSelf ? "*" : ""];
}
