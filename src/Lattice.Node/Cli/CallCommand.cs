// `lattice call --wasm FILE FUNCTION [ARG...]`: one call on a fresh local instance; the result is
// printed as one JSON value on stdout, so stdout stays machine-readable and the guest's own output
// goes to stderr.
using System.CommandLine;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Node.Cli;

internal static class CallCommand
{
    public static Command Create()
    {
        var wasm = new Option<string>("--wasm") { Description = "The component (.wasm)", HelpName = "FILE", Required = true };
        var function = new Argument<string>("FUNCTION")
        {
            Description = "ns:pkg/iface@version.func, ns:pkg/iface.func, iface#func, or a root export's name",
        }.RejectingOptions();
        var args = new Argument<string[]>("ARG") { Description = "One JSON value per parameter", Arity = ArgumentArity.ZeroOrMore }
            .RejectingOptions(allowNumbers: true);
        var wasiArgs = new Option<string[]>("--wasi-arg") { HelpName = "ARG", Description = "The guest's argv, argv[0] first; repeatable" };
        var guest = new GuestOptions(InstanceLimits.DefaultTimeout);

        var command = new Command("call", "Call one exported function of a component and print its result as JSON") { wasm, function, args, wasiArgs };
        guest.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(() =>
        {
            var limits = guest.Limits(parse);
            using var runtime = new LocalRuntime();
            var component = runtime.Load(parse.GetRequiredValue(wasm));
            var name = ExportName.Parse(parse.GetRequiredValue(function));
            var type = component.World.FindExport(name.Interface, name.Function)?.Type ?? throw UnknownExport(component.World, name);
            // Arguments are read before anything runs: a typo costs no instantiation.
            var values = Arguments(name, type, parse.GetValue(args) ?? []);

            var output = new StreamOutput(Console.OpenStandardError());
            var wasi = guest.Wasi(parse, parse.GetValue(wasiArgs) ?? [], output, output);
            var instance = runtime.Instantiate(component, limits, store => store.SetFeature(wasi), parse.GetValue(guest.TrapUnknownImports));
            WitValue? result;
            try { result = instance.GetFunction(name.Interface, name.Function).Call(values); }
            catch (ComponentExitException exit)
            {
                // A function that exits gave no result: for `call` that is a failure, whatever the status.
                throw new CliError($"component exited with status {exit.Status}", exit.Status is > 0 and < 256 ? exit.Status : ExitCodes.Failure);
            }
            Console.Out.WriteLine(WitJson.ToJson(result, type.Result));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static WitValue[] Arguments(ExportName name, FunctionType type, string[] texts)
    {
        if (texts.Length != type.Params.Count)
            throw new CliError($"{name} takes {type.Params.Count} argument(s) ({string.Join(", ", type.Params.Select(p => $"{p.Name}: {p.Type}"))}), got {texts.Length}");
        var values = new WitValue[texts.Length];
        for (var i = 0; i < texts.Length; i++)
            values[i] = WitJson.FromJson(texts[i], type.Params[i].Type, $"argument {i + 1} ({type.Params[i].Name})");
        return values;
    }

    private static CliError UnknownExport(ComponentWorld world, ExportName name)
    {
        var iface = world.Exports.OfType<WorldInterface>().FirstOrDefault(i => i.Name == name.Interface);
        if (iface is not null)
            return new CliError($"'{name.Interface}' has no function '{name.Function}' (functions: {string.Join(", ", iface.Items.OfType<WorldFunction>().Select(f => f.Name))})");
        var all = ExportName.All(world).Select(e => e.ToString()).ToList();
        return new CliError($"no exported function '{name}' ({(all.Count == 0 ? "it exports no functions" : "exports: " + string.Join(", ", all))})");
    }
}
