// One capability request as a wRPC call to a wasmCloud provider: the function on the wire, its
// params, and how its results become the ProviderResult this lattice's own backend would have
// given, so the component's binding cannot tell where the answer came from.
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;

namespace Lattice.Node.Bridge.Providers;

internal sealed record WireCall(WrpcFunction Function, IReadOnlyList<WitValue> Params, Func<WitValue, ProviderResult> Answer);
