using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lattice.Wasm.Native;

namespace Lattice.Wasm;

/// <summary>
/// A compiled component: immutable, shared by every store that instantiates it. Identified by the
/// sha256 of its original bytes (content addressing: the same bytes are the same component anywhere).
/// </summary>
public sealed unsafe class WasmComponent : IDisposable
{
    private readonly ConcurrentDictionary<string, IntPtr> _exportIndexes = new();
    private readonly Lazy<ComponentWorld> _world;
    private IntPtr _handle;

    private WasmComponent(WasmEngine engine, IntPtr handle, string sha256)
    {
        Engine = engine;
        _handle = handle;
        Sha256 = sha256;
        _world = new Lazy<ComponentWorld>(ReadWorld);
    }

    public WasmEngine Engine { get; }

    /// <summary>Lower-case hex sha256 of the component's original bytes.</summary>
    public string Sha256 { get; }

    /// <summary>Imports and exports with their WIT types.</summary>
    public ComponentWorld World => _world.Value;

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(WasmComponent));

    public static string HashOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Compiles component bytes (slow: Cranelift). Prefer <see cref="ComponentCache"/>.</summary>
    public static WasmComponent Compile(WasmEngine engine, ReadOnlySpan<byte> bytes)
    {
        IntPtr handle;
        IntPtr err;
        fixed (byte* p = bytes) err = Api.wasmtime_component_new(engine.Handle, p, (nuint)bytes.Length, &handle);
        if (err != IntPtr.Zero) throw new ComponentLoadException("not a valid WebAssembly component: " + FirstLine(NativeError.Take(err)));
        return new WasmComponent(engine, handle, HashOf(bytes));
    }

    /// <summary>Loads an artifact written by <see cref="Serialize"/> for this engine's settings.</summary>
    public static WasmComponent Deserialize(WasmEngine engine, string path, string sha256)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        IntPtr handle;
        IntPtr err;
        fixed (byte* p = bytes) err = Api.wasmtime_component_deserialize_file(engine.Handle, p, &handle);
        if (err != IntPtr.Zero) throw new ComponentLoadException($"precompiled artifact {path} is unusable: " + FirstLine(NativeError.Take(err)));
        return new WasmComponent(engine, handle, sha256);
    }

    public byte[] Serialize()
    {
        ByteVec vec;
        var err = Api.wasmtime_component_serialize(Handle, &vec);
        if (err != IntPtr.Zero) throw new ComponentException("cannot serialize component: " + NativeError.Take(err));
        try { return vec.Span.ToArray(); }
        finally { Api.wasm_byte_vec_delete(&vec); }
    }

    /// <summary>Wasmtime's index of an export, for fast lookup in each instance. Null when absent.</summary>
    internal IntPtr ExportIndex(string iface, string func)
    {
        var key = iface + "#" + func;
        if (_exportIndexes.TryGetValue(key, out var idx)) return idx;
        var parent = IntPtr.Zero;
        if (iface.Length > 0)
        {
            parent = Lookup(IntPtr.Zero, iface);
            if (parent == IntPtr.Zero) return IntPtr.Zero;
        }
        idx = Lookup(parent, func);
        if (parent != IntPtr.Zero) Api.wasmtime_component_export_index_delete(parent);
        if (idx == IntPtr.Zero) return IntPtr.Zero;
        if (!_exportIndexes.TryAdd(key, idx)) { Api.wasmtime_component_export_index_delete(idx); idx = _exportIndexes[key]; }
        return idx;
    }

    private IntPtr Lookup(IntPtr parent, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes) return Api.wasmtime_component_get_export_index(Handle, parent, p, (nuint)bytes.Length);
    }

    private ComponentWorld ReadWorld()
    {
        var type = Api.wasmtime_component_type(Handle);
        try { return ComponentTypes.ReadWorld(type, Engine.Handle); }
        finally { Api.wasmtime_component_type_delete(type); }
    }

    private static string FirstLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? s : string.Join("; ", lines.Take(3));
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        foreach (var idx in _exportIndexes.Values) Api.wasmtime_component_export_index_delete(idx);
        _exportIndexes.Clear();
        Api.wasmtime_component_delete(_handle);
        _handle = IntPtr.Zero;
    }
}
