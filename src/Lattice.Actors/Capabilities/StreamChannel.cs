using Lattice.Actors.Providers;
using Lattice.Wasm;

namespace Lattice.Capabilities;

/// <summary>
/// A provider channel for code that runs inside a guest call but is not handed a
/// <see cref="HostCall"/>: the Read and Write of a stream a binding gave the guest (wasi:io/streams
/// calls those with the bytes only). The store is the calling instance's, so requests still carry
/// its call deadline. Used by providers whose data flows through streams (blobstore values).
/// </summary>
public sealed class StreamChannel(IProviderChannel channel, ComponentStore store, string name)
{
    public ProviderResult Send(ProviderRequest request) => channel.Send(new HostCall(store, name), request);
}
