using System.Diagnostics;
using System.Text;

namespace Lattice.Node.Tests;

/// <summary>What one `lattice` process did.</summary>
internal sealed record LatticeResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>For assertion messages: everything the process said.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real `lattice` executable (the built lattice.dll beside the tests) as a child process,
/// so exit codes, stdout and stderr are tested exactly as a user sees them.
/// </summary>
internal static class LatticeProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "lattice.dll");

    /// <summary>Shared by all test runs, and never the user's: artifacts are keyed by content and engine settings.</summary>
    private static string CacheDir => Path.Combine(Path.GetTempPath(), "lattice-node-tests-cache");

    public static LatticeResult Run(params string[] args) => Run((IEnumerable<string>)args);

    public static LatticeResult Run(IEnumerable<string> args) => Run(args, null);

    public static LatticeResult Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LATTICE_CACHE_DIR"] = CacheDir;
        // Ops commands default to $LATTICE_HOST: a developer's own setting must not leak into tests.
        start.Environment.Remove("LATTICE_HOST");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        // Read both pipes at once: a child blocked on a full stderr pipe would never exit.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lattice {string.Join(' ', args)} did not finish within {Limit}");
        }
        return new LatticeResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
