using Lattice.Wasm.Native;
using Lattice.Wit;

namespace Lattice.Wasm;

/// <summary>An instantiated component inside one <see cref="ComponentStore"/>.</summary>
public sealed unsafe class ComponentInstance
{
    private readonly Dictionary<string, ComponentFunction> _funcs = [];
    private readonly ComponentInstanceRef _ref;

    internal ComponentInstance(ComponentStore store, WasmComponent component, ComponentInstanceRef instance)
    {
        Store = store;
        Component = component;
        _ref = instance;
    }

    public ComponentStore Store { get; }

    public WasmComponent Component { get; }

    /// <summary>
    /// An exported function: <paramref name="iface"/> is the interface as named in the world
    /// (<c>test:numbers/test</c>, <c>wasi:cli/run@0.2.0</c>) or "" for a root export; resource
    /// functions use canonical names (<c>[constructor]x</c>, <c>[method]x.get-a</c>, <c>[static]x.add</c>).
    /// </summary>
    public ComponentFunction GetFunction(string iface, string func)
    {
        var key = iface + "#" + func;
        if (_funcs.TryGetValue(key, out var f)) return f;
        var type = Component.World.FindExport(iface, func)?.Type
            ?? throw new ExportNotFoundException(NotFoundMessage(iface, func));
        var idx = Component.ExportIndex(iface, func);
        ComponentFuncRef native;
        var instance = _ref; // a copy on the stack: the GC may move this object during the call
        if (idx == IntPtr.Zero || Api.wasmtime_component_instance_get_func(&instance, Store.Context, idx, &native) == 0)
            throw new ExportNotFoundException(NotFoundMessage(iface, func));
        f = new ComponentFunction(this, iface.Length == 0 ? func : $"{iface}#{func}", type, native);
        _funcs[key] = f;
        return f;
    }

    private string NotFoundMessage(string iface, string func)
    {
        var world = Component.World;
        if (iface.Length > 0 && !world.Exports.OfType<WorldInterface>().Any(i => i.Name == iface))
        {
            var ifaces = world.Exports.OfType<WorldInterface>().Select(i => i.Name).ToList();
            return $"component does not export interface '{iface}'" + (ifaces.Count > 0 ? $" (it exports: {string.Join(", ", ifaces)})" : "");
        }
        var names = iface.Length == 0
            ? world.Exports.OfType<WorldFunction>().Select(x => x.Name)
            : world.Exports.OfType<WorldInterface>().First(i => i.Name == iface).Items.OfType<WorldFunction>().Select(x => x.Name);
        var list = names.ToList();
        return $"no function '{func}' in {(iface.Length == 0 ? "the component's root exports" : $"'{iface}'")}" +
               (list.Count > 0 ? $" (functions: {string.Join(", ", list)})" : "");
    }
}

/// <summary>One exported function of one instance.</summary>
public sealed unsafe class ComponentFunction
{
    private readonly ComponentInstance _instance;
    private readonly ComponentFuncRef _native;

    internal ComponentFunction(ComponentInstance instance, string name, FunctionType type, ComponentFuncRef native)
    {
        _instance = instance;
        Name = name;
        Type = type;
        _native = native;
    }

    public string Name { get; }

    public FunctionType Type { get; }

    /// <summary>
    /// Calls the function. Arguments are checked against the WIT type first (a mismatch throws
    /// <see cref="WitTypeMismatchException"/> and leaves the instance usable); any failure inside the
    /// call throws <see cref="ComponentTrapException"/> and kills the store.
    /// </summary>
    public WitValue? Call(params WitValue[] args)
    {
        var store = _instance.Store;
        if (store.IsDead) throw new ComponentTrapException(TrapKind.Trap, "this instance already failed and cannot be entered again");
        WitTypeCheck.CheckArguments(Name, Type, args);

        var n = args.Length;
        var arena = store.Arena;
        ComponentVal result = default;
        IntPtr err;
        try
        {
            var argv = (ComponentVal*)arena.Alloc((nuint)(Math.Max(1, n) * sizeof(ComponentVal)));
            for (var i = 0; i < n; i++) ValMarshal.LowerArgument(args[i], &argv[i], store.Context, arena);
            store.ArmDeadline();
            store.HostFailure = null;
            var func = _native; // a copy on the stack: the GC may move this object during the call
            err = Api.wasmtime_component_func_call(&func, store.Context, argv, (nuint)n, &result, Type.Result is null ? 0u : 1u);
        }
        finally
        {
            arena.Reset();
        }
        if (err != IntPtr.Zero) throw Failure(store, err);
        if (Type.Result is null) return null;
        try { return ValMarshal.Lift(&result, Type.Result, store, store.Context); }
        finally { ValMarshal.Delete(&result); }
    }

    private ComponentTrapException Failure(ComponentStore store, IntPtr err)
    {
        store.MarkDead();
        var message = NativeError.Take(err, out var exitStatus);
        var status = store.ExitStatus ?? exitStatus;
        if (status is { } s) return new ComponentExitException(s);
        if (store.HostFailure is TimeoutException waited)
            return new ComponentTrapException(TrapKind.Deadline, $"{Name}: {waited.Message}", waited);
        if (store.HostFailure is { } host)
            return new ComponentTrapException(TrapKind.HostError, $"{Name}: host function failed: {host.Message}", host);
        var first = TrapText(message);
        if (message.Contains("interrupt", StringComparison.Ordinal))
            return new ComponentTrapException(TrapKind.Deadline, $"{Name}: deadline of {store.Limits.Timeout.TotalSeconds:0.###} s exceeded; the instance was stopped");
        if (message.Contains("all fuel consumed", StringComparison.Ordinal))
            return new ComponentTrapException(TrapKind.OutOfFuel, $"{Name}: fuel exhausted ({store.Limits.Fuel} units); the instance was stopped");
        return new ComponentTrapException(TrapKind.Trap, $"{Name}: {first}");
    }

    /// <summary>
    /// Wasmtime's message is "error while executing at wasm backtrace:", the frames, then "Caused by:"
    /// and the reason. A person needs the reason and where it happened, not forty frames.
    /// </summary>
    internal static string TrapText(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var caused = Array.FindIndex(lines, l => l.StartsWith("Caused by", StringComparison.Ordinal));
        if (caused < 0) return lines.Length > 0 ? lines[0] : message;
        var reason = string.Join("; ", lines.Skip(caused + 1).Select(StripNumbering));
        var frame = lines.Length > 1 && caused > 1 ? StripNumbering(lines[1]) : null;
        return frame is null ? reason : $"{reason} (in {frame})";
    }

    private static string StripNumbering(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        var text = colon > 0 && line[..colon].All(char.IsDigit) ? line[(colon + 2)..].Trim() : line;
        var dash = text.IndexOf(" - ", StringComparison.Ordinal);
        return dash > 0 && text.StartsWith("0x", StringComparison.Ordinal) ? text[(dash + 3)..] : text;
    }
}
