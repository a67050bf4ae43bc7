using Akka.Actor;
using Lattice.Actors.Providers;
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
    public ComponentHost(LatticeHostOptions options, ArtifactStore artifacts, ProviderCatalog providers)
    {
        Options = options;
        Artifacts = artifacts;
        Providers = providers;
        Directory = new InstanceDirectory(options.QueuePerInstance);
        Cache = new ComponentCache(Engine, Path.Combine(options.DataDirectory, "components"));
        Calls = new ComponentCalls(this);
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
    public ProviderCatalog Providers { get; }

    /// <summary>Calls from this host into the lattice's instances.</summary>
    public ILatticeCalls Calls { get; }

    /// <summary>Which instances exist and how busy they are (see InstanceDirectory).</summary>
    public InstanceDirectory Directory { get; }

    /// <summary>This host's component shard region (set at start-up).</summary>
    public IActorRef Region { get; set; } = ActorRefs.Nobody;

    /// <summary>This host's provider shard region (set at start-up).</summary>
    public IActorRef ProviderRegion { get; set; } = ActorRefs.Nobody;

    /// <summary>The latest desired state this host has seen (written by its LatticeView).</summary>
    public Model.LatticeState CurrentState { get; set; } = Model.LatticeState.Empty;

    /// <summary>Set once at start-up, before the component region exists.</summary>
    public IActorRef View { get; set; } = ActorRefs.Nobody;
    public IActorRef Router { get; set; } = ActorRefs.Nobody;

    public void Dispose()
    {
        Cache.Dispose();
        Engine.Dispose();
    }
}
