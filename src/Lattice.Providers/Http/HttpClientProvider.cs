// http-client: lets linked components make outgoing HTTP requests (wasi:http/outgoing-handler).
// Deny by default: only hosts named in `allowed_hosts` (provider config or the link's target config,
// comma-separated: `api.example.com`, `*.example.com`, `host:port`, or `*` for any) are reachable.
// The requests go out from the calling instance's host (see LinkedOutgoingHttp), over one pooled
// HttpClient handler per host process, with the timeouts the guest set in its request-options.
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasi.Http;
using Lattice.Wasm;

namespace Lattice.Providers.Http;

public sealed class HttpClientProvider : ICapabilityProvider, IOutgoingHttpProvider
{
    public string Kind => "http-client";

    // wasi:http is part of the host (types, outgoing-handler); the link only grants and configures it.
    public IReadOnlyList<string> Interfaces { get; } = [];

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel) { }

    public IProviderBackend Open(ProviderContext context) => new Idle();

    public IOutgoingHttp ClientFor(IReadOnlyDictionary<string, string> config)
    {
        var allowed = config.FirstOrDefault(kv => string.Equals(kv.Key, "allowed_hosts", StringComparison.OrdinalIgnoreCase)).Value ?? "";
        return new OutgoingHttpClient(allowed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The provider entity only marks that the capability exists; requests never reach it.</summary>
    private sealed class Idle : IProviderBackend
    {
        public ProviderResult Handle(ProviderRequest request, ProviderLink link) =>
            ProviderResult.Fail("http-client requests are sent by the calling host");

        public void Dispose() { }
    }
}
