// The `wasmbus.ctl.v1.{lattice}.*` requests: the subscriptions a wasmCloud 1.x host makes (plain or
// in a queue group, exactly as crates/host/src/nats/ctl.rs does) and the dispatch of a subject's
// (category, operation, argument) to its handler. Every request gets a CtlResponse except an
// auction this host does not bid in; an unknown subject gets "unsupported subject"; a request that
// cannot be parsed or carried out gets success=false and one line saying why.
using Microsoft.Extensions.Logging;

namespace Lattice.Node.Bridge;

/// <summary>One NATS subscription of the control interface; <see cref="QueueGroup"/> null = plain (every host gets it).</summary>
internal sealed record CtlSubscription(string Subject, string? QueueGroup);

internal sealed class ControlInterface(BridgeHost host)
{
    public const string Prefix = "wasmbus.ctl";

    private readonly HostControl _host = new(host);
    private readonly ComponentControl _components = new(host);
    private readonly ProviderControl _providers = new(host);
    private readonly LinkControl _links = new(host);
    private readonly ConfigControl _configs = new(host);

    public static IReadOnlyList<CtlSubscription> Subscriptions(string lattice, string hostId)
    {
        var p = $"{Prefix}.v1.{lattice}";
        return
        [
            new($"{p}.registry.put", null),
            new($"{p}.host.ping", null),
            new($"{p}.link.*", $"{p}.link"),
            new($"{p}.claims.get", $"{p}.claims"),
            new($"{p}.component.*.{hostId}", null),
            new($"{p}.provider.*.{hostId}", null),
            new($"{p}.label.*.{hostId}", null),
            new($"{p}.host.*.{hostId}", null),
            new($"{p}.config.>", $"{p}.config"),
            new($"{p}.component.auction", null),
            new($"{p}.provider.auction", null),
        ];
    }

    /// <summary>The reply to a request on <paramref name="subject"/>, or null when this host stays silent.</summary>
    public async Task<CtlReply?> HandleAsync(string subject, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var parts = subject.Trim().Split('.');
        // wasmbus . ctl . v1 . {lattice} . category . op [. arg]
        var rest = parts.Length > 4 && subject.StartsWith(Prefix + ".", StringComparison.Ordinal) ? parts[4..] : [];
        var (category, op, arg) = (At(rest, 0), At(rest, 1), At(rest, 2));
        if (rest.Length > 3) return CtlReply.Unsupported;
        try
        {
            return (category, op, arg) switch
            {
                ("component", "auction", null) => await _components.AuctionAsync(payload, cancellationToken),
                ("component", "scale", not null) => await _components.ScaleAsync(payload, cancellationToken),
                ("component", "update", not null) => await _components.UpdateAsync(payload, cancellationToken),
                ("provider", "auction", null) => await _providers.AuctionAsync(payload, cancellationToken),
                ("provider", "start", not null) => await _providers.StartAsync(payload, cancellationToken),
                ("provider", "stop", not null) => await _providers.StopAsync(payload, cancellationToken),
                ("host", "get", not null) => await _host.InventoryAsync(cancellationToken),
                ("host", "ping", null) => _host.Ping(),
                ("host", "stop", not null) => _host.Stop(payload, arg),
                ("claims", "get", null) => HostControl.Claims(),
                ("link", "del", null) => await _links.DeleteAsync(payload, cancellationToken),
                ("link", "get", null) => await _links.GetAsync(cancellationToken),
                ("link", "put", null) => await _links.PutAsync(payload, cancellationToken),
                ("label", "del", not null) => await _host.DeleteLabelAsync(arg, payload, cancellationToken),
                ("label", "put", not null) => await _host.PutLabelAsync(arg, payload, cancellationToken),
                ("registry", "put", null) => HostControl.PutRegistries(payload),
                ("config", "get", not null) => await _configs.GetAsync(arg, cancellationToken),
                ("config", "put", not null) => await _configs.PutAsync(arg, payload, cancellationToken),
                ("config", "del", not null) => await _configs.DeleteAsync(arg, cancellationToken),
                _ => CtlReply.Unsupported,
            };
        }
        catch (CtlRequestException e)
        {
            return CtlReply.Error(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            host.Log.LogWarning("control request on {Subject} failed: {Message}", subject, BridgeHost.Reason(e));
            return CtlReply.Error(BridgeHost.Reason(e));
        }
    }

    private static string? At(string[] parts, int i) => i < parts.Length ? parts[i] : null;
}
