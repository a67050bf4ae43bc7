// `lattice provider start ID KIND [--config NAME...] | stop ID`: built-in providers (e.g. keyvalue).
using System.CommandLine;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.State;

internal static class ProviderCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("provider", "Start and stop built-in capability providers") { Start(ops), Stop(ops) };
        ops.AddTo(command);
        return command;
    }

    private static Command Start(OpsOptions ops)
    {
        var id = new Argument<string>("ID") { Description = "The provider id (link targets name it)" }.RejectingOptions();
        var kind = new Argument<string>("KIND") { Description = "Which built-in provider, e.g. keyvalue" }.RejectingOptions();
        var config = new Option<string[]>("--config") { HelpName = "NAME", Description = "Named config for the provider; repeatable", AllowMultipleArgumentsPerToken = true };
        var command = new Command("start", "Start a provider") { id, kind, config };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var started = await client.StartProviderAsync(new ProviderStartBody(parse.GetRequiredValue(id), parse.GetRequiredValue(kind), KeyValues.Names(parse.GetValue(config))), ct);
            return ops.Json(parse) ? OpsOutput.Json(started) : OpsOutput.Done($"provider {started.Id} ({started.Kind}) started");
        });
        return command;
    }

    private static Command Stop(OpsOptions ops)
    {
        var id = new Argument<string>("ID") { Description = "The provider id" }.RejectingOptions();
        var command = new Command("stop", "Stop a provider") { id };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var name = parse.GetRequiredValue(id);
            await client.StopProviderAsync(name, ct);
            return ops.Json(parse) ? OpsOutput.Json(new { stopped = name }) : OpsOutput.Done($"provider {name} stopped");
        });
        return command;
    }
}
