// What the WASI host remembers per store, next to the user's WasiContext.
//
// The WasiContext is configuration (immutable, possibly shared by many stores); this is the state
// derived from it for one instance, created on first use so a store that never touches WASI pays
// nothing.
using Lattice.Wasm;

namespace Lattice.Wasi;

internal sealed class WasiStoreState
{
    private IReadOnlyList<Sandbox>? _sandboxes;

    private WasiStoreState(WasiContext context)
    {
        Context = context;
        InsecureSeed = (WasiRandom.U64(), WasiRandom.U64());
    }

    public WasiContext Context { get; }

    public (ulong, ulong) InsecureSeed { get; }

    /// <summary>The granted directories, with their host paths resolved once.</summary>
    public IReadOnlyList<Sandbox> Sandboxes => _sandboxes ??= Context.Preopens.Select(Sandbox.For).ToList();

    public static WasiStoreState Of(ComponentStore store)
    {
        var context = store.Feature<WasiContext>();
        // Rebuilt if the owner swapped the context, so a new grant never sees the old one's state.
        if (store.TryFeature<WasiStoreState>() is { } state && ReferenceEquals(state.Context, context)) return state;
        state = new WasiStoreState(context);
        store.SetFeature(state);
        return state;
    }
}
