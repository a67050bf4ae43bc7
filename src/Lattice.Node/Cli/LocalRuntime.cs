// One component run in this process, for `call` and `run`: engine, disk cache, linker with WASI,
// one store. No actor system, no cluster.
using Lattice.Wasi;
using Lattice.Wasm;

namespace Lattice.Node.Cli;

internal sealed class LocalRuntime : IDisposable
{
    private readonly WasmEngine _engine = new();
    private readonly ComponentCache _cache;
    private ComponentLinker? _linker;
    private ComponentStore? _store;

    public LocalRuntime()
    {
        try { _cache = new ComponentCache(_engine); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unwritable home only costs a compile per run: cache under the temp dir instead.
            _cache = new ComponentCache(_engine, Path.Combine(Path.GetTempPath(), "lattice-components"));
        }
    }

    public WasmComponent Load(string path)
    {
        if (!File.Exists(path)) throw new CliError($"no such file: {path}", ExitCodes.Failure);
        CheckHeader(path);
        return _cache.LoadFile(path);
    }

    /// <summary>
    /// Wasmtime reads anything without the binary header as WAT text, so a wrong file would be reported
    /// as a WAT syntax error; say what it is instead. Text starting with '(' or ';' is left to Wasmtime.
    /// </summary>
    private static void CheckHeader(string path)
    {
        Span<byte> head = stackalloc byte[8];
        int n;
        try
        {
            using var file = File.OpenRead(path);
            n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliError($"cannot read {path}: {e.Message}", ExitCodes.Failure); }
        head = head[..n];
        if (head.TrimStart(" \t\r\n"u8) is [(byte)'(' or (byte)';', ..]) return;
        if (!head.StartsWith("\0asm"u8)) throw new CliError($"{path} is not a WebAssembly component (no \\0asm header)", ExitCodes.Failure);
        // Byte 6 is the layer: 0 for a core module, 1 for a component.
        if (n >= 8 && head[6] == 0) throw new CliError($"{path} is a core WebAssembly module, not a component (wrap it with `wasm-tools component new`)", ExitCodes.Failure);
    }

    /// <summary>
    /// Instantiates <paramref name="component"/> in a fresh store set up by <paramref name="configure"/>.
    /// With <paramref name="trapUnknownImports"/>, a link failure is retried with trapping stubs for the
    /// missing imports. Only as a retry: stubs would also shadow WASI imports at other 0.2.x versions.
    /// </summary>
    public ComponentInstance Instantiate(WasmComponent component, InstanceLimits limits, Action<ComponentStore> configure, bool trapUnknownImports)
    {
        var linker = _linker = new ComponentLinker(_engine);
        // A component that imports no WASI gets none: nothing to define, nothing to grant.
        if (ImportsWasi(component)) WasiHost.AddTo(linker);
        try
        {
            return linker.Instantiate(NewStore(limits, configure), component);
        }
        catch (ComponentLinkException e) when (trapUnknownImports)
        {
            try { linker.DefineUnknownImportsAsTraps(component); }
            catch (ComponentLinkException) { throw e; }
            return linker.Instantiate(NewStore(limits, configure), component);
        }
        catch (ComponentLinkException e)
        {
            throw new ComponentLinkException(e.Message + " (--trap-unknown-imports runs it with imports that trap when called)");
        }
    }

    /// <summary>A failed instantiation kills its store, so every attempt gets a fresh one.</summary>
    private ComponentStore NewStore(InstanceLimits limits, Action<ComponentStore> configure)
    {
        _store?.Dispose();
        _store = new ComponentStore(_engine, limits);
        configure(_store);
        return _store;
    }

    private static bool ImportsWasi(WasmComponent component) =>
        component.World.Imports.Any(i => i.Name.StartsWith("wasi:", StringComparison.Ordinal));

    public void Dispose()
    {
        _store?.Dispose();
        _linker?.Dispose();
        _cache.Dispose();
        _engine.Dispose();
    }
}
