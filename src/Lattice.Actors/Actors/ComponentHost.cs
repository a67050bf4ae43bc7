using Akka.Actor;
using Lattice.Wasi;
using Lattice.Wasm;

namespace Lattice.Actors;

/// <summary>
/// What every component instance on this host shares: the Wasmtime engine, the precompiled cache,
/// the linker (WASI and the lattice's host interfaces), the artifact store, and this host's view
/// and router. One per host; instances only add their own store.
/// </summary>
internal sealed class ComponentHost : IDisposable
{
    public ComponentHost(LatticeHostOptions options, ArtifactStore artifacts)
    {
        Options = options;
        Artifacts = artifacts;
        Cache = new ComponentCache(Engine, Path.Combine(options.DataDirectory, "components"));
    }

    /// <summary>A linker with WASI, for one instance: its linked imports are added per component.</summary>
    public ComponentLinker CreateLinker()
    {
        var linker = new ComponentLinker(Engine);
        WasiHost.AddTo(linker);
        return linker;
    }

    public LatticeHostOptions Options { get; }
    public WasmEngine Engine { get; } = new();
    public ComponentCache Cache { get; }
    public ArtifactStore Artifacts { get; }

    /// <summary>Set once at start-up, before the component region exists.</summary>
    public IActorRef View { get; set; } = ActorRefs.Nobody;
    public IActorRef Router { get; set; } = ActorRefs.Nobody;

    public void Dispose()
    {
        Cache.Dispose();
        Engine.Dispose();
    }
}
