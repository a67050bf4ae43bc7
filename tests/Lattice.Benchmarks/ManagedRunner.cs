using Wasmtime;
using Wasmtime.Components;

namespace Lattice.Benchmarks;

/// <summary>The same operations on the managed Wasmtime.Components API (the baseline).</summary>
internal sealed class ManagedRunner : IDisposable
{
    private readonly Engine _engine = new(new Config().WithEpochInterruption(true));
    private readonly ComponentLinker _linker;
    private readonly Component _component;
    private readonly Store _store;
    private readonly ComponentFunction _add, _echoString, _echoBytes;
    private readonly string _artifact = Path.Combine(Path.GetTempPath(), "lattice-bench-managed.cwasm");

    public ManagedRunner(string path)
    {
        _linker = new ComponentLinker(_engine);
        _component = Component.FromBytes(_engine, File.ReadAllBytes(path));
        File.WriteAllBytes(_artifact, _component.Serialize());
        _store = NewStore();
        var instance = _linker.Instantiate(_store, _component);
        _add = instance.GetFunction("add")!;
        _echoString = instance.GetFunction("echo-string")!;
        _echoBytes = instance.GetFunction("echo-bytes")!;
    }

    private Store NewStore()
    {
        var store = new Store(_engine);
        store.SetEpochDeadline(1_000_000);
        return store;
    }

    public void Add()
    {
        var r = _add.Call(ComponentValue.U32(2), ComponentValue.U32(3));
        if (r!.AsU32() != 5) throw new InvalidOperationException("wrong sum");
    }

    public void EchoString(string s)
    {
        if (_echoString.Call(ComponentValue.String(s))!.AsString().Length != s.Length) throw new InvalidOperationException("wrong echo");
    }

    public void EchoBytes(byte[] b)
    {
        var list = new ComponentValue[b.Length];
        for (var i = 0; i < b.Length; i++) list[i] = ComponentValue.U8(b[i]);
        var r = _echoBytes.Call(ComponentValue.List(list))!.AsList();
        if (r.Count != b.Length) throw new InvalidOperationException("wrong echo");
    }

    /// <summary>The managed API's half: one ComponentValue per byte in, and reading them back out.</summary>
    public static void MarshalBytesOnly(byte[] b)
    {
        var list = new ComponentValue[b.Length];
        for (var i = 0; i < b.Length; i++) list[i] = ComponentValue.U8(b[i]);
        var value = ComponentValue.List(list);
        var back = new byte[b.Length];
        var items = value.AsList();
        for (var i = 0; i < items.Count; i++) back[i] = items[i].AsU8();
    }

    public void FreshInstanceCall()
    {
        using var store = NewStore();
        var instance = _linker.Instantiate(store, _component);
        instance.GetFunction("add")!.Call(ComponentValue.U32(2), ComponentValue.U32(3));
    }

    public void LoadPrecompiled()
    {
        using var c = Component.DeserializeFile(_engine, _artifact);
    }

    public void Dispose()
    {
        _store.Dispose();
        _linker.Dispose();
        _component.Dispose();
        _engine.Dispose();
    }
}
