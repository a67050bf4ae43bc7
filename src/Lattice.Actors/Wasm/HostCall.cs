using Lattice.Wit;

namespace Lattice.Wasm;

/// <summary>A host function defined from C#: receives the lifted arguments, returns the result (or null).</summary>
public delegate WitValue? HostFunc(HostCall call, WitValue[] args);

/// <summary>What a host function knows about the call it is serving.</summary>
public readonly ref struct HostCall
{
    internal HostCall(ComponentStore store, string name)
    {
        Store = store;
        Name = name;
    }

    /// <summary>The store of the calling instance: its resource table and per-instance features (WASI state...).</summary>
    public ComponentStore Store { get; }

    /// <summary>The import's name, e.g. <c>wasi:cli/stdout@0.2.0#get-stdout</c>.</summary>
    public string Name { get; }

    public ResourceTable Resources => Store.Resources;
}
