// The provider interface: how a built-in capability (key-value, blobstore, HTTP...) plugs into the
// lattice. A provider has two halves, because a WIT interface's resources (a key-value `bucket`)
// live in the calling instance's store while the data lives wherever the provider runs:
//  - Bind: on the calling component's host, defines the interface's host functions and resources
//    on that instance's linker; data operations become ProviderRequests sent through a channel;
//  - Open: on the provider's own host (a sharded ProviderActor, so it moves on failover), creates
//    the backend that answers those requests.
// Requests are small, serializable and backend-neutral (operation name, strings, bytes, a number),
// so a provider can be swapped (SQLite, PostgreSQL, Redis, NATS) without touching the component.
using Lattice.Model;
using Lattice.Wasm;

namespace Lattice.Actors.Providers;

public interface ICapabilityProvider
{
    /// <summary>The kind named by `lattice provider start ID KIND`, e.g. <c>keyvalue</c>.</summary>
    string Kind { get; }

    /// <summary>The interfaces it implements, unversioned: <c>wasi:keyvalue/store</c>.</summary>
    IReadOnlyList<string> Interfaces { get; }

    /// <summary>Defines <paramref name="iface"/>'s functions on a calling instance's linker.</summary>
    void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel);

    /// <summary>Creates the backend of one provider instance (on the host the provider runs on).</summary>
    IProviderBackend Open(ProviderContext context);
}

/// <summary>The running side of a provider. Called on its actor's own thread, one request at a time.</summary>
public interface IProviderBackend : IDisposable
{
    /// <summary>Answers <paramref name="request"/>, which came through <paramref name="link"/> (with its target config).</summary>
    ProviderResult Handle(ProviderRequest request, ProviderLink link);
}

/// <summary>
/// A provider kind that sends a component's outgoing HTTP (wasi:http/outgoing-handler). The request
/// is sent on the calling instance's host with the client this returns for the merged provider and
/// link config, so request and response bodies stream without crossing hosts.
/// </summary>
public interface IOutgoingHttpProvider
{
    Wasi.Http.IOutgoingHttp ClientFor(IReadOnlyDictionary<string, string> config);
}

/// <summary>
/// A backend that acts on its links as they change (wasmCloud's "receive link config"): an HTTP
/// server listens where the links it is the source of say, a client allows what its targets' config
/// allows. Called on the provider's thread at start and whenever a link naming it changes.
/// </summary>
public interface IObservesLinks
{
    void LinksChanged(ProviderLinks links);
}

/// <summary>
/// One link as its provider sees it: the other end, the link's name and interfaces, and the merged
/// config for the provider's side (target config when the provider is the target, source config
/// when it is the source).
/// </summary>
public sealed record ProviderLink(string PeerId, string Name, IReadOnlyList<string> Interfaces, IReadOnlyDictionary<string, string> Config)
{
    public static ProviderLink From(LinkDefinition link, LatticeState state, bool asSource) =>
        asSource
            ? new(link.Target, link.Name, link.Interfaces, state.MergedConfig(link.SourceConfigNames))
            : new(link.Source, link.Name, link.Interfaces, state.MergedConfig(link.TargetConfigNames));
}

/// <summary>The links naming a provider, by role.</summary>
public sealed record ProviderLinks(IReadOnlyList<ProviderLink> AsSource, IReadOnlyList<ProviderLink> AsTarget)
{
    public static ProviderLinks Of(string providerId, LatticeState state) => new(
        state.Links.Where(l => l.Source == providerId).Select(l => ProviderLink.From(l, state, asSource: true)).ToList(),
        state.Links.Where(l => l.Target == providerId).Select(l => ProviderLink.From(l, state, asSource: false)).ToList());
}

/// <summary>What a backend is opened with: its id, merged configs, the host's options (the lattice's database), and a way to call components.</summary>
public sealed record ProviderContext(string ProviderId, IReadOnlyDictionary<string, string> Config, LatticeHostOptions Host)
{
    /// <summary>For providers that call components (a message handler, an HTTP server); set by the runtime.</summary>
    public ILatticeCalls Calls { get; init; } = NoCalls.Instance;

    /// <summary>Where a backend reports what goes wrong away from a request (a subscription that ended); the host's log.</summary>
    public Action<string> Warn { get; init; } = _ => { };

    private sealed class NoCalls : ILatticeCalls
    {
        public static readonly NoCalls Instance = new();

        public Task<string> CallJsonAsync(string componentId, string function, IReadOnlyList<string> jsonArgs, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("this provider was opened outside a lattice and cannot call components");

        public Task<HttpAnswer> ServeHttpAsync(string componentId, Wasi.Http.HttpRequestHead request, Stream? body, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("this provider was opened outside a lattice and cannot call components");
    }
}

/// <summary>From a bound interface to the provider its link points at (resolved per call).</summary>
public interface IProviderChannel
{
    /// <summary>Sends <paramref name="request"/> and waits for the answer, within the caller's deadline.</summary>
    ProviderResult Send(HostCall call, ProviderRequest request);
}

/// <summary>One data operation, e.g. <c>get</c> with Args [bucket, key].</summary>
public sealed record ProviderRequest(string Operation, string[] Args, byte[]? Payload = null, ulong Number = 0) : ILatticeMessage;

/// <summary>The answer: an error text, or bytes / strings / a number, and whether something was found.</summary>
public sealed record ProviderResult(string? Error = null, byte[]? Payload = null, string[]? Items = null, ulong Number = 0, bool Found = false) : ILatticeMessage
{
    public static ProviderResult Fail(string error) => new(Error: error);
    public static readonly ProviderResult Done = new();
}
