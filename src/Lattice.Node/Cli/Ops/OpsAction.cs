// Runs an ops command's body against the admin API and reports failures the CLI's way: one
// `error:` line, exit 1 (2 when the input itself was wrong).
using System.CommandLine;
using Lattice.Node.Admin;

namespace Lattice.Node.Cli.Ops;

internal delegate Task<int> OpsBody(ParseResult parse, AdminClient client, CancellationToken cancellationToken);

internal static class OpsAction
{
    public static void Set(Command command, OpsOptions ops, OpsBody body) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var client = ops.Client(parse);
                return await body(parse, client, ct);
            }
            catch (CliError e)
            {
                CliOutput.Error(e.Message);
                return e.ExitCode;
            }
            catch (AdminClientException e)
            {
                CliOutput.Error(e.Message);
                return e.Kind == "BadArguments" ? ExitCodes.Usage : ExitCodes.Failure;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CliOutput.Error(e.Message);
                return ExitCodes.Failure;
            }
        });
}
