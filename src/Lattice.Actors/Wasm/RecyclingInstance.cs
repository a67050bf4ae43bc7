using Lattice.Wit;

namespace Lattice.Wasm;

/// <summary>
/// An instance that survives its own failures: it builds a store and instance on first use, and after
/// any trap (or host failure, or deadline) throws the dead store away so the next call gets a fresh
/// one. Type errors are caught before the call and keep the instance. Not thread-safe: one caller at
/// a time, like the store it wraps.
/// </summary>
public sealed class RecyclingInstance : IDisposable
{
    private readonly ComponentLinker _linker;
    private readonly Action<ComponentStore>? _configure;
    private ComponentInstance? _current;

    public RecyclingInstance(ComponentLinker linker, WasmComponent component, InstanceLimits? limits = null, Action<ComponentStore>? configure = null)
    {
        _linker = linker;
        Component = component;
        Limits = limits ?? new InstanceLimits();
        _configure = configure;
    }

    public WasmComponent Component { get; }

    public InstanceLimits Limits { get; }

    /// <summary>How many stores have been built so far (1 after the first call; +1 per recycle).</summary>
    public int Generation { get; private set; }

    /// <summary>The live instance, creating it if needed.</summary>
    public ComponentInstance Instance
    {
        get
        {
            if (_current is { Store.IsDead: false } live) return live;
            Recycle();
            var store = new ComponentStore(_linker.Engine, Limits);
            try
            {
                _configure?.Invoke(store);
                _current = _linker.Instantiate(store, Component);
                Generation++;
                return _current;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
    }

    public WitValue? Call(string iface, string func, params WitValue[] args)
    {
        var instance = Instance;
        try
        {
            return instance.GetFunction(iface, func).Call(args);
        }
        catch (ComponentTrapException)
        {
            Recycle();
            throw;
        }
    }

    /// <summary>Drops the current store (if any); the next call builds a fresh one.</summary>
    public void Recycle()
    {
        _current?.Store.Dispose();
        _current = null;
    }

    public void Dispose() => Recycle();
}
