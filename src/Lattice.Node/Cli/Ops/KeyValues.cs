// KEY=VALUE arguments: labels, placement constraints, config values.
namespace Lattice.Node.Cli.Ops;

internal static class KeyValues
{
    public static Dictionary<string, string> Parse(IEnumerable<string> entries, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw new CliError($"{what} '{entry}': expected KEY=VALUE");
            result[entry[..eq]] = entry[(eq + 1)..];
        }
        return result;
    }

    /// <summary>Repeatable list options also take comma-separated values (<c>--config a,b</c>).</summary>
    public static List<string> Names(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
}
