// wasi:cli: environment, exit, stdio and terminals.
//
// Everything comes from the store's WasiContext, and nothing is granted by default: no arguments,
// no environment, an empty stdin, output captured. There is no terminal: a component in the
// lattice never owns one, so get-terminal-* say none and the terminal resources exist only so that
// components importing them link.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

public static class WasiCli
{
    public static readonly HostResourceType TerminalInputType = new("terminal-input");
    public static readonly HostResourceType TerminalOutputType = new("terminal-output");

    internal static void Define(ComponentLinker linker)
    {
        var environment = linker.Instance(WasiHost.Interface("cli", "environment"));
        environment.Func("get-environment", (call, _) => WitValue.List(
            Context(call).Environment.Select(kv => WitValue.Tuple(WitValue.String(kv.Key), WitValue.String(kv.Value))).ToList()));
        environment.Func("get-arguments", (call, _) => WitValue.List(Context(call).Args.Select(WitValue.String).ToList()));
        environment.Func("initial-cwd", (call, _) => Context(call).InitialCwd is { } cwd ? WitValue.Some(WitValue.String(cwd)) : WitValue.None);

        var exit = linker.Instance(WasiHost.Interface("cli", "exit"));
        exit.Func("exit", (_, args) => throw new ComponentExitException(args[0] is WitResult { IsOk: true } ? 0 : 1));
        exit.Func("exit-with-code", (_, args) => throw new ComponentExitException(args[0].AsU8()));

        linker.Instance(WasiHost.Interface("cli", "stdin"))
            .Func("get-stdin", (call, _) => WasiStreams.Own(call.Resources, new EmptyInputStream()));
        linker.Instance(WasiHost.Interface("cli", "stdout"))
            .Func("get-stdout", (call, _) => WasiStreams.Own(call.Resources, new WasiOutputStream(Context(call).Stdout)));
        linker.Instance(WasiHost.Interface("cli", "stderr"))
            .Func("get-stderr", (call, _) => WasiStreams.Own(call.Resources, new WasiOutputStream(Context(call).Stderr)));

        linker.Instance(WasiHost.Interface("cli", "terminal-input")).Resource("terminal-input", TerminalInputType);
        linker.Instance(WasiHost.Interface("cli", "terminal-output")).Resource("terminal-output", TerminalOutputType);
        linker.Instance(WasiHost.Interface("cli", "terminal-stdin")).Func("get-terminal-stdin", (_, _) => WitValue.None);
        linker.Instance(WasiHost.Interface("cli", "terminal-stdout")).Func("get-terminal-stdout", (_, _) => WitValue.None);
        linker.Instance(WasiHost.Interface("cli", "terminal-stderr")).Func("get-terminal-stderr", (_, _) => WitValue.None);
    }

    private static WasiContext Context(HostCall call) => WasiStoreState.Of(call.Store).Context;
}
