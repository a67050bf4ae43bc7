// `lattice call COMPONENT_ID FUNCTION [ARG...]`: a call through the lattice, via any host's admin
// API; that host's router prefers a local instance. Same FUNCTION notation and JSON as the local
// `call --wasm` (chosen when --wasm is given), and the result is likewise one JSON value on stdout.
using Lattice.Wasm;
using System.CommandLine;
using System.Globalization;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli;

internal static class LatticeCallCommand
{
    /// <summary>The local mode is chosen by its --wasm option; everything else (root help too) is a lattice call.</summary>
    public static bool IsLatticeCall(string[] argv) =>
        !(argv.Length > 0 && argv[0] == "call" && argv.TakeWhile(a => a != "--").Any(a => a == "--wasm" || a.StartsWith("--wasm=", StringComparison.Ordinal)));

    public static Command Create()
    {
        var ops = new OpsOptions();
        var component = new Argument<string>("COMPONENT_ID") { Description = "The component to call, on any of its instances" }.RejectingOptions();
        var function = new Argument<string>("FUNCTION")
        {
            Description = "ns:pkg/iface@version.func, ns:pkg/iface.func, iface#func, or a root export's name",
        }.RejectingOptions();
        var args = new Argument<string[]>("ARG") { Description = "One JSON value per parameter", Arity = ArgumentArity.ZeroOrMore }
            .RejectingOptions(allowNumbers: true);
        var timeout = new Option<string>("--timeout") { HelpName = "SECONDS", Description = "Deadline of the call (default: the host's --timeout)" };
        var command = new Command("call",
            "Call a component's function through the lattice and print its result as JSON (with --wasm FILE: on a local instance; see `lattice call --wasm FILE --help`)")
        {
            component, function, args, timeout,
        };
        ops.AddTo(command);
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var name = ExportName.Parse(parse.GetRequiredValue(function));
            var body = new CallBody(name.Interface.Length == 0 ? name.Function : $"{name.Interface}#{name.Function}",
                parse.GetValue(args) ?? [], Seconds(parse.GetValue(timeout)));
            Console.Out.WriteLine(await client.CallAsync(parse.GetRequiredValue(component), body, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static double? Seconds(string? text)
    {
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 86400)
            throw new CliError($"--timeout must be a positive number of seconds, got '{text}'");
        return seconds;
    }
}
