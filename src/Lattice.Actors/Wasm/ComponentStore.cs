// A store: the unit of isolation. One store holds one component instance, its linear memories, its
// resource table and its per-instance host state (WASI context, captured output...).
//
// Wasmtime stores are single-threaded and die with the first error: after a trap, a host exception
// or a type error inside a call, Wasmtime refuses to enter the instance again. We therefore treat a
// store as disposable: `IsDead` flips on the first failure and the owner (RecyclingInstance) builds
// a fresh one. Host callbacks find their store through Wasmtime's store data pointer, which holds
// a GCHandle to this object.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lattice.Wasm.Native;

namespace Lattice.Wasm;

public sealed class ComponentStore : IDisposable
{
    private readonly Dictionary<Type, object> _features = [];
    private readonly List<GuestResource> _guestResources = [];
    private GCHandle _self;
    private IntPtr _store;

    public ComponentStore(WasmEngine engine, InstanceLimits? limits = null)
    {
        Engine = engine;
        Limits = limits ?? new InstanceLimits();
        _self = GCHandle.Alloc(this);
        _store = Api.wasmtime_store_new(engine.Handle, GCHandle.ToIntPtr(_self), IntPtr.Zero);
        Context = Api.wasmtime_store_context(_store);
        Api.wasmtime_store_limiter(_store, Limits.MemoryBytes, -1, -1, -1, -1);
        ArmDeadline();
    }

    public WasmEngine Engine { get; }

    public InstanceLimits Limits { get; }

    public ResourceTable Resources { get; } = new();

    /// <summary>Scratch memory for the arguments of the call in progress.</summary>
    internal ValArena Arena { get; } = new();

    /// <summary>True after the first failed call: the store must not be entered again.</summary>
    public bool IsDead { get; private set; }

    internal IntPtr Context { get; }

    /// <summary>An exception a host function threw during the current call (reported with the trap).</summary>
    internal Exception? HostFailure { get; set; }

    /// <summary>Set by <c>wasi:cli/exit</c>: the status the guest asked to exit with.</summary>
    public int? ExitStatus { get; set; }

    /// <summary>Per-store state of a host interface, by type (e.g. the WASI context).</summary>
    public T Feature<T>() where T : class =>
        _features.TryGetValue(typeof(T), out var f) ? (T)f : throw new InvalidOperationException($"this store has no {typeof(T).Name}; configure it before instantiating");

    public T? TryFeature<T>() where T : class => _features.TryGetValue(typeof(T), out var f) ? (T)f : null;

    public void SetFeature<T>(T feature) where T : class => _features[typeof(T)] = feature;

    internal static ComponentStore FromContext(IntPtr context) =>
        (ComponentStore)GCHandle.FromIntPtr(Api.wasmtime_context_get_data(context)).Target!;

    /// <summary>
    /// Time left before the current call's deadline. The epoch deadline cannot interrupt host code, so
    /// a host function that waits (poll, blocking reads) bounds its wait by this and throws
    /// <see cref="TimeoutException"/> past it, which the call reports as <see cref="TrapKind.Deadline"/>.
    /// </summary>
    public TimeSpan RemainingCallTime
    {
        get
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    private long _deadline;

    /// <summary>Sets the epoch deadline and fuel for the next entry into the guest.</summary>
    internal void ArmDeadline()
    {
        var ticks = Limits.Timeout.TotalSeconds * Stopwatch.Frequency;
        _deadline = ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : Stopwatch.GetTimestamp() + (long)ticks;
        Api.wasmtime_context_set_epoch_deadline(Context, Engine.TicksFor(Limits.Timeout));
        if (Engine.Options.ConsumeFuel)
        {
            var err = Api.wasmtime_context_set_fuel(Context, Limits.Fuel ?? ulong.MaxValue);
            if (err != IntPtr.Zero) throw new ComponentException(NativeError.Take(err));
        }
    }

    internal void MarkDead() => IsDead = true;

    internal void Track(GuestResource resource) => _guestResources.Add(resource);

    public void Dispose()
    {
        if (_store == IntPtr.Zero) return;
        foreach (var r in _guestResources) r.Release();
        _guestResources.Clear();
        Resources.DisposeAll();
        foreach (var f in _features.Values) if (f is IDisposable d) d.Dispose();
        Api.wasmtime_store_delete(_store);
        Arena.Dispose();
        _store = IntPtr.Zero;
        _self.Free();
        IsDead = true;
    }
}
