// `lattice run FILE [ARGS...]`: runs a WASI command component like `wasmtime run`. The guest's
// stdout and stderr are ours, and its exit status becomes ours.
using System.CommandLine;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Node.Cli;

internal static class RunCommand
{
    public const string Name = "run";

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A WASI command component (exports wasi:cli/run@0.2.x)" }.RejectingOptions();
        var args = new Argument<string[]>("ARGS") { Description = "Arguments for the guest (argv[1..])", Arity = ArgumentArity.ZeroOrMore };
        var guest = new GuestOptions(defaultTimeout: null);

        var command = new Command(Name, "Run a WASI command component") { file, args };
        guest.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(() =>
        {
            var limits = guest.Limits(parse);
            var path = parse.GetRequiredValue(file);
            using var runtime = new LocalRuntime();
            var component = runtime.Load(path);
            var run = RunExport(component.World, path);
            var wasi = guest.Wasi(parse, [Path.GetFileName(path), .. parse.GetValue(args) ?? []],
                new StreamOutput(Console.OpenStandardOutput()), new StreamOutput(Console.OpenStandardError()));
            var instance = runtime.Instantiate(component, limits, store => store.SetFeature(wasi), parse.GetValue(guest.TrapUnknownImports));
            try
            {
                var result = instance.GetFunction(run, "run").Call();
                return result is WitResult { IsOk: true } ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (ComponentExitException exit)
            {
                return exit.Status is >= 0 and < 256 ? exit.Status : ExitCodes.Failure;
            }
        }));
        return command;
    }

    /// <summary>The exact name of the run interface, whichever 0.2 patch version the component was built against.</summary>
    private static string RunExport(ComponentWorld world, string path) =>
        world.Exports.OfType<WorldInterface>()
            .FirstOrDefault(i => i.Name.StartsWith("wasi:cli/run@0.2.", StringComparison.Ordinal) && i.Function("run") is not null)?.Name
        ?? throw new CliError($"{path} is not a WASI command: it does not export wasi:cli/run@0.2.x" +
                              $" (exports: {string.Join(", ", world.Exports.Select(e => e.Name))}); use `lattice call` for other exports", ExitCodes.Failure);

    /// <summary>
    /// Everything after FILE belongs to the guest, even when it looks like one of our options
    /// (`lattice run app.wasm --verbose`). The parser knows no such rule, so an explicit `--` is
    /// inserted after FILE unless the user wrote one.
    /// </summary>
    public static string[] SeparateGuestArgs(string[] argv, Command run)
    {
        if (argv.Length == 0 || argv[0] != Name) return argv;
        for (var i = 1; i < argv.Length; i++)
        {
            var token = argv[i];
            if (token == "--") return argv;
            if (token.StartsWith('-') && token.Length > 1)
            {
                // An option: skip its value too, unless given inline (--env=K=V) or it takes none.
                var option = run.Options.FirstOrDefault(o => o.Name == token || o.Aliases.Contains(token));
                if (option is not null && option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool)) i++;
                continue;
            }
            if (i + 1 >= argv.Length || argv[i + 1] == "--") return argv;
            return [.. argv[..(i + 1)], "--", .. argv[(i + 1)..]];
        }
        return argv;
    }
}
