// What every ops command shares: which host's admin API to talk to, and tables or JSON. Both are
// recursive on each command group (`lattice cluster show --host URL -o json`).
using System.CommandLine;
using Lattice.Node.Admin;

namespace Lattice.Node.Cli.Ops;

internal sealed class OpsOptions
{
    public const string HostVariable = "LATTICE_HOST";
    public const string DefaultHost = "http://127.0.0.1:4000";

    public Option<string> Host { get; } = new("--host")
    {
        HelpName = "URL",
        Description = $"Admin API of any host in the lattice (default: ${HostVariable}, else {DefaultHost})",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table (for people) or json (for scripts)",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    public OpsOptions() => Output.AcceptOnlyFromAmong("table", "json");

    public void AddTo(Command command)
    {
        command.Options.Add(Host);
        command.Options.Add(Output);
    }

    public bool Json(ParseResult parse) => parse.GetValue(Output) == "json";

    public AdminClient Client(ParseResult parse)
    {
        var text = parse.GetValue(Host) is { Length: > 0 } given ? given
            : Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } env ? env : DefaultHost;
        if (!text.Contains("://", StringComparison.Ordinal)) text = "http://" + text;
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliError($"--host must be an http URL like {DefaultHost}, got '{text}'");
        return new AdminClient(url);
    }
}
