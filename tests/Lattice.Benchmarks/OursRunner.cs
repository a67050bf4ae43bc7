using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Benchmarks;

/// <summary>The operations on our binding (Lattice.Wasm).</summary>
internal sealed class OursRunner : IDisposable
{
    private readonly WasmEngine _engine = new();
    private readonly ComponentCache _cache;
    private readonly ComponentLinker _linker;
    private readonly WasmComponent _component;
    private readonly ComponentStore _store;
    private readonly ComponentFunction _add, _echoString, _echoBytes;
    private readonly string _artifact;

    public OursRunner(string path)
    {
        _cache = new ComponentCache(_engine, Path.Combine(Path.GetTempPath(), "lattice-bench-cache"));
        _linker = new ComponentLinker(_engine);
        _component = _cache.LoadFile(path);
        _artifact = _cache.ArtifactPath(_component.Sha256);
        _store = new ComponentStore(_engine);
        var instance = _linker.Instantiate(_store, _component);
        _add = instance.GetFunction("", "add");
        _echoString = instance.GetFunction("", "echo-string");
        _echoBytes = instance.GetFunction("", "echo-bytes");
    }

    private static readonly WitValue Two = WitValue.U32(2), Three = WitValue.U32(3);

    public void Add()
    {
        if (_add.Call(Two, Three)!.AsU32() != 5) throw new InvalidOperationException("wrong sum");
    }

    public void EchoString(string s)
    {
        if (_echoString.Call(WitValue.String(s))!.AsString().Length != s.Length) throw new InvalidOperationException("wrong echo");
    }

    public void EchoBytes(byte[] b)
    {
        if (_echoBytes.Call(WitValue.Bytes(b))!.AsBytes().Length != b.Length) throw new InvalidOperationException("wrong echo");
    }

    /// <summary>Our half of a 64 KiB echo: lowering the argument and lifting an equal result, no call.</summary>
    public unsafe void MarshalBytesOnly(byte[] b)
    {
        var arg = WitValue.Bytes(b);
        Lattice.Wasm.Native.ComponentVal val;
        Lattice.Wasm.Native.ValMarshal.LowerArgument(arg, &val, IntPtr.Zero, _arena);
        var back = Lattice.Wasm.Native.ValMarshal.Lift(&val, ListOfU8, _store, IntPtr.Zero);
        _arena.Reset();
        if (back.AsBytes().Length != b.Length) throw new InvalidOperationException("wrong length");
    }

    private static readonly WitType ListOfU8 = new ListType(WitType.U8);
    private readonly Lattice.Wasm.Native.ValArena _arena = new();

    public void FreshInstanceCall()
    {
        using var store = new ComponentStore(_engine);
        var instance = _linker.Instantiate(store, _component);
        instance.GetFunction("", "add").Call(Two, Three);
    }

    public void LoadPrecompiled()
    {
        using var c = WasmComponent.Deserialize(_engine, _artifact, _component.Sha256);
    }

    public void Dispose()
    {
        _store.Dispose();
        _linker.Dispose();
        _cache.Dispose();
        _engine.Dispose();
    }
}
