// The command tree. Parse errors are reported like every other error (one line, exit 2) rather
// than with System.CommandLine's help dump.
using System.CommandLine;
using System.CommandLine.Invocation;

namespace Lattice.Node.Cli;

internal static class LatticeCli
{
    public static RootCommand Create() => new("lattice: a distributed runtime for WebAssembly components")
    {
        InspectCommand.Create(),
        CallCommand.Create(),
        RunCommand.Create(),
    };

    public static int Run(string[] args)
    {
        var root = Create();
        var run = root.Subcommands.Single(c => c.Name == RunCommand.Name);
        // Guest arguments and JSON values are data: `@file` must not be read as a response file.
        var config = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var parse = root.Parse(RunCommand.SeparateGuestArgs(args, run), config);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            CliOutput.Error(string.Join("; ", parse.Errors.Select(e => Tidy(e.Message))));
            return ExitCodes.Usage;
        }
        return parse.Invoke();
    }

    /// <summary>System.CommandLine's messages may hold tabs and line breaks, and end in a period.</summary>
    private static string Tidy(string message) =>
        string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}
