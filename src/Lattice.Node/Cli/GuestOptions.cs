// What a locally run guest may see and how long it may run: the options `call` and `run` share.
using System.CommandLine;
using System.Globalization;
using Lattice.Wasi;
using Lattice.Wasm;

namespace Lattice.Node.Cli;

internal sealed class GuestOptions
{
    /// <summary>No deadline still needs an epoch deadline; a year is as good as none.</summary>
    private static readonly TimeSpan Unlimited = TimeSpan.FromDays(365);

    private readonly TimeSpan? _defaultTimeout;

    public GuestOptions(TimeSpan? defaultTimeout)
    {
        _defaultTimeout = defaultTimeout;
        Timeout.Description = defaultTimeout is { } t
            ? $"Deadline of the call in seconds (default {t.TotalSeconds:0})"
            : "Deadline of the run in seconds (default: none)";
    }

    public Option<string[]> Env { get; } = new("--env")
    {
        HelpName = "KEY=VALUE",
        Description = "Set a guest environment variable, KEY=VALUE (KEY alone copies it from this environment); repeatable",
    };

    public Option<string[]> Dir { get; } = new("--dir")
    {
        HelpName = "HOSTDIR[::GUESTDIR]",
        Description = "Grant read-only access to HOSTDIR, seen by the guest at GUESTDIR (default: the same path); repeatable",
    };

    public Option<string[]> DirRw { get; } = new("--dir-rw")
    {
        HelpName = "HOSTDIR[::GUESTDIR]",
        Description = "Like --dir, but the guest may also write; repeatable",
    };

    public Option<string> Timeout { get; } = new("--timeout") { HelpName = "SECONDS" };

    public Option<bool> TrapUnknownImports { get; } = new("--trap-unknown-imports")
    {
        Description = "If imports are missing, instantiate anyway with stubs that trap when called",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Env);
        command.Options.Add(Dir);
        command.Options.Add(DirRw);
        command.Options.Add(Timeout);
        command.Options.Add(TrapUnknownImports);
    }

    public InstanceLimits Limits(ParseResult parse)
    {
        var text = parse.GetValue(Timeout);
        if (text is null) return new InstanceLimits { Timeout = _defaultTimeout ?? Unlimited };
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > Unlimited.TotalSeconds)
            throw new CliError($"--timeout must be a positive number of seconds, got '{text}'");
        return new InstanceLimits { Timeout = TimeSpan.FromSeconds(seconds) };
    }

    public WasiContext Wasi(ParseResult parse, IReadOnlyList<string> argv, IWasiOutput stdout, IWasiOutput stderr) => new()
    {
        Args = argv,
        Environment = EnvironmentOf(parse.GetValue(Env) ?? []),
        Preopens = [.. Preopens(parse.GetValue(Dir) ?? [], readOnly: true), .. Preopens(parse.GetValue(DirRw) ?? [], readOnly: false)],
        Stdout = stdout,
        Stderr = stderr,
    };

    private static Dictionary<string, string> EnvironmentOf(IEnumerable<string> entries)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            var key = eq < 0 ? entry : entry[..eq];
            if (key.Length == 0) throw new CliError($"--env {entry}: expected KEY=VALUE");
            env[key] = eq >= 0 ? entry[(eq + 1)..]
                : Environment.GetEnvironmentVariable(key) ?? throw new CliError($"--env {key}: not set in this environment (use {key}=VALUE)");
        }
        return env;
    }

    private static IEnumerable<WasiPreopen> Preopens(IEnumerable<string> grants, bool readOnly)
    {
        foreach (var grant in grants)
        {
            var sep = grant.IndexOf("::", StringComparison.Ordinal);
            var host = sep < 0 ? grant : grant[..sep];
            var guest = sep < 0 ? grant : grant[(sep + 2)..];
            var option = readOnly ? "--dir" : "--dir-rw";
            if (host.Length == 0 || guest.Length == 0) throw new CliError($"{option} {grant}: expected HOSTDIR[::GUESTDIR]");
            if (!Directory.Exists(host)) throw new CliError($"{option} {grant}: no such directory: {host}");
            yield return new WasiPreopen(Path.GetFullPath(host), guest, readOnly);
        }
    }
}
