namespace Lattice.Node.Tests;

internal static class CliAssert
{
    /// <summary>Success: exit 0 and exactly <paramref name="json"/> (one line) on stdout.</summary>
    public static void Printed(string json, LatticeResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(json + "\n", result.Stdout);
    }

    /// <summary>Failure the way every command reports one: a non-zero exit, nothing on stdout, one `error:` line.</summary>
    public static string FailedWith(string fragment, LatticeResult result, int? exitCode = null)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        if (exitCode is { } code) Assert.True(result.ExitCode == code, $"expected exit {code}\n{result}");
        Assert.True(result.Stdout.Length == 0, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(fragment, line);
        return line;
    }
}
