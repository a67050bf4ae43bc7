// The linker: which host functions and resources satisfy a component's imports.
//
// Definitions are collected as a managed tree and handed to Wasmtime in one pass on first use,
// because Wasmtime's linker instances borrow their parent: only one can be open at a time, and an
// interface can be defined once. Wasmtime resolves imports by semver compatibility, so an interface
// defined once at `wasi:io/streams@0.2.x` satisfies imports of every 0.2 patch version, and a
// component importing two versions at once gets the same resource types for both.
using System.Runtime.InteropServices;
using System.Text;
using Lattice.Wasm.Native;
using Lattice.Wit;

namespace Lattice.Wasm;

public sealed unsafe class ComponentLinker : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Interface, string Resource), HostResourceType> _nameable = [];
    private IntPtr _linker;
    private bool _built;

    public ComponentLinker(WasmEngine engine)
    {
        Engine = engine;
        _linker = Api.wasmtime_component_linker_new(engine.Handle);
        Root = new LinkerInstance(this, "");
    }

    public WasmEngine Engine { get; }

    /// <summary>World-level imports (functions and resources not inside an interface).</summary>
    public LinkerInstance Root { get; }

    /// <summary>The definitions for interface <paramref name="name"/> (e.g. <c>wasi:cli/stdout@0.2.6</c>).</summary>
    public LinkerInstance Instance(string name) => Root.Instance(name);

    /// <summary>
    /// The host resource type behind <paramref name="handle"/> (a parameter type read from
    /// <paramref name="world"/>) if this linker defines it with <see cref="HostResourceType.FromName"/>;
    /// else null. Handle types carry only a per-component id, so the world says which import
    /// declared the resource (an export that `use`s it shares the id), and that names the definition.
    /// </summary>
    public HostResourceType? NameableResource(ComponentWorld world, HandleType handle)
    {
        foreach (var item in world.Imports)
        {
            var (iface, resource) = item switch
            {
                WorldResource r when r.ResourceId == handle.ResourceId => ("", r.Name),
                WorldInterface i when i.Items.OfType<WorldResource>().FirstOrDefault(r => r.ResourceId == handle.ResourceId) is { } r => (i.Name, r.Name),
                _ => (null, null),
            };
            if (iface is null) continue;
            lock (_gate) return _nameable.GetValueOrDefault((iface, resource!));
        }
        return null;
    }

    internal void DefinedResource(string iface, string name, HostResourceType type)
    {
        lock (_gate)
        {
            if (type.FromName is null) _nameable.Remove((iface, name));
            else _nameable[(iface, name)] = type;
        }
    }

    internal void ThrowIfBuilt()
    {
        if (_built) throw new InvalidOperationException("definitions cannot be added after the linker has instantiated a component");
    }

    /// <summary>
    /// Makes every import this linker cannot satisfy trap when called, instead of failing instantiation.
    /// Used by tools such as `lattice inspect`-style runs; the runtime itself links strictly.
    /// </summary>
    public void DefineUnknownImportsAsTraps(WasmComponent component)
    {
        lock (_gate)
        {
            Build();
            var err = Api.wasmtime_component_linker_define_unknown_imports_as_traps(_linker, component.Handle);
            if (err != IntPtr.Zero) throw new ComponentLinkException(NativeError.Take(err));
        }
    }

    /// <summary>Instantiates <paramref name="component"/> in <paramref name="store"/>.</summary>
    public ComponentInstance Instantiate(ComponentStore store, WasmComponent component)
    {
        lock (_gate) Build();
        store.ArmDeadline();
        ComponentInstanceRef instance;
        var err = Api.wasmtime_component_linker_instantiate(_linker, store.Context, component.Handle, &instance);
        if (err != IntPtr.Zero)
        {
            store.MarkDead();
            var message = NativeError.Take(err);
            if (store.HostFailure is { } hostFailure)
                throw new ComponentTrapException(TrapKind.HostError, "instantiation failed: " + hostFailure.Message, hostFailure);
            throw new ComponentLinkException("cannot instantiate component: " + message.Split('\n')[0].Trim());
        }
        return new ComponentInstance(store, component, instance);
    }

    private void Build()
    {
        if (_built) return;
        var root = Api.wasmtime_component_linker_root(_linker);
        try { Root.Materialize(root); }
        finally { Api.wasmtime_component_linker_instance_delete(root); }
        _built = true;
    }

    public void Dispose()
    {
        if (_linker == IntPtr.Zero) return;
        Api.wasmtime_component_linker_delete(_linker);
        _linker = IntPtr.Zero;
    }

    // --- callbacks from Wasmtime -----------------------------------------------------------

    internal sealed record FuncBinding(string Name, HostFunc Func);

    [UnmanagedCallersOnly]
    private static IntPtr InvokeHostFunc(IntPtr data, IntPtr context, IntPtr funcType, ComponentVal* args, nuint nargs, ComponentVal* results, nuint nresults)
    {
        ComponentStore? store = null;
        try
        {
            var binding = (FuncBinding)GCHandle.FromIntPtr(data).Target!;
            store = ComponentStore.FromContext(context);
            var lifted = nargs == 0 ? [] : new WitValue[(int)nargs];
            for (var i = 0; i < lifted.Length; i++) lifted[i] = ValMarshal.Lift(&args[i], null, store, context);
            var result = binding.Func(new HostCall(store, binding.Name), lifted);
            if (nresults > 0)
            {
                if (result is null) throw new InvalidOperationException($"host function {binding.Name} returned no value but its type has a result");
                ValMarshal.Lower(result, &results[0], context);
            }
            return IntPtr.Zero;
        }
        catch (Exception e)
        {
            // Never let an exception cross into Wasmtime's frames: report it as a trap instead.
            if (store is not null)
            {
                if (e is ComponentExitException exit) store.ExitStatus ??= exit.Status;
                store.HostFailure ??= e;
            }
            return NativeError.New(e.Message);
        }
    }

    [UnmanagedCallersOnly]
    private static IntPtr DropHostResource(IntPtr data, IntPtr context, uint rep)
    {
        try
        {
            var type = (HostResourceType)GCHandle.FromIntPtr(data).Target!;
            var store = ComponentStore.FromContext(context);
            if (type.OnDrop is { } onDrop) onDrop(store, rep);
            else if (store.Resources.Remove(rep) is IDisposable d) d.Dispose();
            return IntPtr.Zero;
        }
        catch (Exception e)
        {
            return NativeError.New(e.Message);
        }
    }

    [UnmanagedCallersOnly]
    private static void FreeHandle(IntPtr data) => GCHandle.FromIntPtr(data).Free();

    internal static delegate* unmanaged<IntPtr, IntPtr, IntPtr, ComponentVal*, nuint, ComponentVal*, nuint, IntPtr> HostFuncCallback => &InvokeHostFunc;
    internal static delegate* unmanaged<IntPtr, IntPtr, uint, IntPtr> ResourceDestructor => &DropHostResource;
    internal static delegate* unmanaged<IntPtr, void> Finalizer => &FreeHandle;

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>The definitions inside one instance (interface) of the linker, or its root.</summary>
public sealed unsafe class LinkerInstance
{
    private readonly ComponentLinker _linker;
    private readonly Dictionary<string, HostFunc> _funcs = [];
    private readonly Dictionary<string, HostResourceType> _resources = [];
    private readonly Dictionary<string, LinkerInstance> _instances = [];

    internal LinkerInstance(ComponentLinker linker, string name)
    {
        _linker = linker;
        Name = name;
    }

    public string Name { get; }

    public LinkerInstance Instance(string name)
    {
        _linker.ThrowIfBuilt();
        if (!_instances.TryGetValue(name, out var i)) _instances[name] = i = new LinkerInstance(_linker, name);
        return i;
    }

    /// <summary>Defines (or replaces) a host function.</summary>
    public LinkerInstance Func(string name, HostFunc func)
    {
        _linker.ThrowIfBuilt();
        _funcs[name] = func;
        return this;
    }

    /// <summary>Defines a host resource type, e.g. <c>output-stream</c>.</summary>
    public LinkerInstance Resource(string name, HostResourceType type)
    {
        _linker.ThrowIfBuilt();
        _resources[name] = type;
        _linker.DefinedResource(Name, name, type);
        return this;
    }

    internal void Materialize(IntPtr native)
    {
        // Resources first: functions of the same interface refer to them.
        foreach (var (name, type) in _resources)
        {
            var rt = Api.wasmtime_component_resource_type_new_host(type.Id);
            var bytes = ComponentLinker.Utf8(name);
            IntPtr err;
            fixed (byte* p = bytes)
                err = Api.wasmtime_component_linker_instance_add_resource(native, p, (nuint)bytes.Length, rt,
                    ComponentLinker.ResourceDestructor, GCHandle.ToIntPtr(GCHandle.Alloc(type)), ComponentLinker.Finalizer);
            Api.wasmtime_component_resource_type_delete(rt);
            Check(err, name);
        }
        foreach (var (name, func) in _funcs)
        {
            var qualified = Name.Length == 0 ? name : $"{Name}#{name}";
            var bytes = ComponentLinker.Utf8(name);
            IntPtr err;
            fixed (byte* p = bytes)
                err = Api.wasmtime_component_linker_instance_add_func(native, p, (nuint)bytes.Length,
                    ComponentLinker.HostFuncCallback, GCHandle.ToIntPtr(GCHandle.Alloc(new ComponentLinker.FuncBinding(qualified, func))), ComponentLinker.Finalizer);
            Check(err, name);
        }
        foreach (var (name, child) in _instances)
        {
            var bytes = ComponentLinker.Utf8(name);
            IntPtr childNative;
            IntPtr err;
            fixed (byte* p = bytes) err = Api.wasmtime_component_linker_instance_add_instance(native, p, (nuint)bytes.Length, &childNative);
            Check(err, name);
            try { child.Materialize(childNative); }
            finally { Api.wasmtime_component_linker_instance_delete(childNative); }
        }
    }

    private void Check(IntPtr err, string item)
    {
        if (err != IntPtr.Zero) throw new ComponentLinkException($"cannot define {(Name.Length == 0 ? item : Name + "#" + item)}: {NativeError.Take(err)}");
    }
}
