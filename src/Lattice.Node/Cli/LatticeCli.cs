// The command tree. Parse errors are reported like every other error (one line, exit 2) rather
// than with System.CommandLine's help dump.
using System.CommandLine;
using System.CommandLine.Invocation;
using Lattice.Node.Cli.Cluster;
using Lattice.Node.Cli.Get;
using Lattice.Node.Cli.State;

namespace Lattice.Node.Cli;

internal static class LatticeCli
{
    /// <summary>
    /// The whole tree. `call` exists twice, chosen by <paramref name="latticeCall"/>: through the
    /// lattice (COMPONENT_ID FUNCTION) or, with --wasm, on a local instance (FUNCTION only).
    /// </summary>
    public static RootCommand Create(bool latticeCall = false) => new("lattice: a distributed runtime for WebAssembly components")
    {
        UpCommand.Create(),
        InspectCommand.Create(),
        latticeCall ? LatticeCallCommand.Create() : CallCommand.Create(),
        RunCommand.Create(),
        ClusterCommand.Create(),
        LabelCommand.Create(),
        ShardingCommand.Create(),
        GetCommand.Create(),
        ComponentCommand.Create(),
        ProviderCommand.Create(),
        LinkCommand.Create(),
        ConfigCommand.Create(),
    };

    public static int Run(string[] args)
    {
        var root = Create(LatticeCallCommand.IsLatticeCall(args));
        var run = root.Subcommands.Single(c => c.Name == RunCommand.Name);
        // Guest arguments and JSON values are data: `@file` must not be read as a response file.
        var config = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var parse = root.Parse(RunCommand.SeparateGuestArgs(args, run), config);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            CliOutput.Error(string.Join("; ", parse.Errors.Select(e => Tidy(e.Message))));
            return ExitCodes.Usage;
        }
        // No termination timeout: `up` stops on SIGTERM/Ctrl-C itself, with a graceful leave that
        // must not be cut short.
        return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>System.CommandLine's messages may hold tabs and line breaks, and end in a period.</summary>
    private static string Tidy(string message) =>
        string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}
