// `lattice config put NAME KEY=VALUE... | get NAME | del NAME`: named configs (wasmCloud's config service).
using System.CommandLine;
using Lattice.Node.Cli.Get;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.State;

internal static class ConfigCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("config", "Named configs for components and providers") { Put(ops), GetCommand.Config(ops, "get", nameRequired: true), Del(ops) };
        ops.AddTo(command);
        return command;
    }

    private static Command Put(OpsOptions ops)
    {
        var name = new Argument<string>("NAME") { Description = "The config name" }.RejectingOptions();
        var values = new Argument<string[]>("KEY=VALUE") { Description = "The values (replace the whole config)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("put", "Put (or replace) a named config") { name, values };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var config = await client.PutConfigAsync(parse.GetRequiredValue(name), KeyValues.Parse(parse.GetValue(values) ?? [], "value"), ct);
            return ops.Json(parse) ? OpsOutput.Json(config) : OpsOutput.Done($"config {config.Name} put ({config.Values.Count} value(s))");
        });
        return command;
    }

    private static Command Del(OpsOptions ops)
    {
        var name = new Argument<string>("NAME") { Description = "The config name" }.RejectingOptions();
        var command = new Command("del", "Delete a named config") { name };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var config = parse.GetRequiredValue(name);
            await client.DeleteConfigAsync(config, ct);
            return ops.Json(parse) ? OpsOutput.Json(new { deleted = config }) : OpsOutput.Done($"config {config} deleted");
        });
        return command;
    }
}
