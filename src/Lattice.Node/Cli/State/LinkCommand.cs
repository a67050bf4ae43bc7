// `lattice link put SOURCE TARGET NS:PKG/IFACE[,IFACE...] | del SOURCE NS:PKG | get`, as wash.
using System.CommandLine;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Get;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.State;

internal static class LinkCommand
{
    private const string DefaultName = "default";

    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("link", "Links: which target serves a source's imports") { Put(ops), Del(ops), GetCommand.Links(ops, "get") };
        ops.AddTo(command);
        return command;
    }

    private static Command Put(OpsOptions ops)
    {
        var source = new Argument<string>("SOURCE") { Description = "The importing component" }.RejectingOptions();
        var target = new Argument<string>("TARGET") { Description = "The component or provider that serves the interfaces" }.RejectingOptions();
        var wit = new Argument<string>("NS:PKG/IFACE") { Description = "Interfaces of one package, e.g. wasi:keyvalue/store,atomics" }.RejectingOptions();
        var name = new Option<string>("--name") { HelpName = "NAME", Description = $"The link name (default {DefaultName})", DefaultValueFactory = _ => DefaultName };
        var sourceConfig = new Option<string[]>("--source-config") { HelpName = "NAME", Description = "Config for the source side; repeatable" };
        var targetConfig = new Option<string[]>("--target-config") { HelpName = "NAME", Description = "Config for the target side; repeatable" };
        var command = new Command("put", "Put (or replace) a link") { source, target, wit, name, sourceConfig, targetConfig };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var (ns, pkg, ifaces) = ParseInterfaces(parse.GetRequiredValue(wit));
            var link = await client.PutLinkAsync(new LinkBody(parse.GetRequiredValue(source), parse.GetRequiredValue(target), ns, pkg, ifaces,
                parse.GetValue(name) ?? DefaultName, KeyValues.Names(parse.GetValue(sourceConfig)), KeyValues.Names(parse.GetValue(targetConfig))), ct);
            return ops.Json(parse) ? OpsOutput.Json(link)
                : OpsOutput.Done($"link {link.SourceId} -> {link.Target} on {link.WitNamespace}:{link.WitPackage}/{string.Join(",", link.Interfaces)} ({link.Name}) put");
        });
        return command;
    }

    private static Command Del(OpsOptions ops)
    {
        var source = new Argument<string>("SOURCE") { Description = "The importing component" }.RejectingOptions();
        var package = new Argument<string>("NS:PKG") { Description = "The package the link covers, e.g. wasi:keyvalue" }.RejectingOptions();
        var name = new Option<string>("--name") { HelpName = "NAME", Description = $"The link name (default {DefaultName})", DefaultValueFactory = _ => DefaultName };
        var command = new Command("del", "Delete a link") { source, package, name };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var pkg = parse.GetRequiredValue(package);
            // NS:PKG/IFACE is accepted too: a link covers a whole package.
            if (pkg.IndexOf('/') is var slash and > 0) pkg = pkg[..slash];
            if (pkg.IndexOf('@') is var at and > 0) pkg = pkg[..at];
            if (pkg.IndexOf(':') <= 0) throw new CliError($"'{pkg}' is not NAMESPACE:PACKAGE (e.g. wasi:keyvalue)");
            var src = parse.GetRequiredValue(source);
            var linkName = parse.GetValue(name) ?? DefaultName;
            await client.DeleteLinkAsync(src, pkg, linkName, ct);
            return ops.Json(parse) ? OpsOutput.Json(new { deleted = new { source_id = src, package = pkg, name = linkName } })
                : OpsOutput.Done($"link {src} on {pkg} ({linkName}) deleted");
        });
        return command;
    }

    /// <summary><c>ns:pkg/a,b</c> or <c>ns:pkg/a@0.2.0</c>; the version is not part of a link.</summary>
    internal static (string Namespace, string Package, List<string> Interfaces) ParseInterfaces(string text)
    {
        var colon = text.IndexOf(':');
        var slash = text.IndexOf('/');
        if (colon <= 0 || slash <= colon + 1 || slash == text.Length - 1)
            throw new CliError($"'{text}' is not NAMESPACE:PACKAGE/INTERFACE[,INTERFACE...] (e.g. wasi:keyvalue/store,atomics)");
        var package = text[(colon + 1)..slash];
        if (package.IndexOf('@') is var pat and > 0) package = package[..pat];
        var interfaces = text[(slash + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(i => i.IndexOf('@') is var at and > 0 ? i[..at] : i).Distinct().ToList();
        if (interfaces.Count == 0) throw new CliError($"'{text}' names no interface");
        return (text[..colon], package, interfaces);
    }
}
