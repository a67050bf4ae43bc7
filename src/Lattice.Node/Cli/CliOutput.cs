// How every command reports: results on stdout, exactly one `error: ...` line on stderr when
// something fails, and an exit code that says whose fault it was (2: the command line, 1: the run).
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Node.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}

/// <summary>A failure the CLI explains itself; <see cref="ExitCode"/> is what the process returns.</summary>
internal sealed class CliError(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

internal static class CliOutput
{
    public static void Error(string message) =>
        Console.Error.WriteLine("error: " + OneLine(message));

    /// <summary>Runs a command's body and turns whatever escapes it into one error line and an exit code.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (ExitCodeFor(e) is { } code)
        {
            Error(e.Message);
            return code;
        }
    }

    private static int? ExitCodeFor(Exception e) => e switch
    {
        CliError c => c.ExitCode,
        // The user's input does not fit the component: nothing ran.
        WitJsonException or WitTypeMismatchException or ExportNotFoundException => ExitCodes.Usage,
        ComponentException => ExitCodes.Failure,
        // Never a stack trace: the line says what failed, the exit code that it did.
        OutOfMemoryException => null,
        _ => ExitCodes.Failure,
    };

    /// <summary>Wasmtime and .NET messages can span lines; an error report never does.</summary>
    public static string OneLine(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
