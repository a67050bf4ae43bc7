// `lattice component start ID REF | scale ID N | stop ID`. REF is a local file (uploaded into the
// lattice's artifact store), an http(s) URL (fetched by the host), or the sha256 of an artifact
// already in the lattice; the component is started by sha either way.
using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Lattice.Node.Admin;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.State;

internal static partial class ComponentCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("component", "Start, scale and stop components in the lattice") { Start(ops), Scale(ops), Stop(ops) };
        ops.AddTo(command);
        return command;
    }

    private static Command Start(OpsOptions ops)
    {
        var id = new Argument<string>("ID") { Description = "The component id" }.RejectingOptions();
        var reference = new Argument<string>("REF") { Description = "A .wasm file, an http(s) URL, or the sha256 of an artifact in the lattice" }.RejectingOptions();
        var instances = new Option<int>("--instances") { HelpName = "N", Description = "How many instances (default 1)", DefaultValueFactory = _ => 1 };
        var config = new Option<string[]>("--config") { HelpName = "NAME", Description = "Named config for the component; repeatable", AllowMultipleArgumentsPerToken = true };
        var label = new Option<string[]>("--label") { HelpName = "KEY=VALUE", Description = "Place instances only on hosts with this label; repeatable" };
        var timeout = new Option<double?>("--timeout") { HelpName = "SECONDS", Description = "Deadline of each call to this component" };
        var command = new Command("start", "Start a component (or update it: same id, new artifact, scale or config)") { id, reference, instances, config, label, timeout };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var n = parse.GetValue(instances);
            if (n < 0) throw new CliError($"--instances must be 0 or more, got {n}");
            if (parse.GetValue(timeout) is { } t && !(t > 0)) throw new CliError($"--timeout must be a positive number of seconds, got {t.ToString(CultureInfo.InvariantCulture)}");
            var (sha, url) = await ResolveAsync(client, parse.GetRequiredValue(reference), ct);
            var started = await client.StartComponentAsync(new ComponentStartBody(
                parse.GetRequiredValue(id), sha, url, n, KeyValues.Names(parse.GetValue(config)),
                KeyValues.Parse(parse.GetValue(label) ?? [], "--label"), parse.GetValue(timeout)), ct);
            return ops.Json(parse) ? OpsOutput.Json(started)
                : OpsOutput.Done($"component {started.Id} started: {started.Instances} instance(s) of {started.Artifact}");
        });
        return command;
    }

    private static Command Scale(OpsOptions ops)
    {
        var id = new Argument<string>("ID") { Description = "The component id" }.RejectingOptions();
        var count = new Argument<int>("N") { Description = "The new number of instances (0 stops them all but keeps the component)" };
        var command = new Command("scale", "Change how many instances of a component run") { id, count };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var scaled = await client.ScaleComponentAsync(parse.GetRequiredValue(id), parse.GetValue(count), ct);
            return ops.Json(parse) ? OpsOutput.Json(scaled) : OpsOutput.Done($"component {scaled.Id} scaled to {scaled.Instances} instance(s)");
        });
        return command;
    }

    private static Command Stop(OpsOptions ops)
    {
        var id = new Argument<string>("ID") { Description = "The component id" }.RejectingOptions();
        var command = new Command("stop", "Stop every instance of a component and forget it") { id };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var name = parse.GetRequiredValue(id);
            await client.StopComponentAsync(name, ct);
            return ops.Json(parse) ? OpsOutput.Json(new { stopped = name }) : OpsOutput.Done($"component {name} stopped");
        });
        return command;
    }

    /// <summary>A file is uploaded here; a URL is left to the host to fetch; a sha256 is used as it is.</summary>
    private static async Task<(string? Sha, string? Url)> ResolveAsync(AdminClient client, string reference, CancellationToken ct)
    {
        if (reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return (null, reference);
        if (File.Exists(reference))
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(reference, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliError($"cannot read {reference}: {e.Message}", ExitCodes.Failure); }
            if (!bytes.AsSpan().StartsWith("\0asm"u8)) throw new CliError($"{reference} is not a WebAssembly component (no \\0asm header)", ExitCodes.Failure);
            return ((await client.UploadArtifactAsync(bytes, ct)).Sha256, null);
        }
        if (Sha256().IsMatch(reference)) return (reference.ToLowerInvariant(), null);
        throw new CliError($"no such file: {reference} (REF is a .wasm file, an http(s) URL, or a sha256)", ExitCodes.Failure);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256();
}
