// wasi:config@0.2.0-draft for components: `get(key)` and `get-all()` over the component's config.
//
// wasmCloud 1.x components import either the older `runtime` interface (error variant named
// `config-error`) or the newer `store` (named `error`); both have the same shape, so one
// implementation serves every name. The values are read through a delegate on every call, so a
// config change reaches a running instance without a restart. Values are never logged here.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Capabilities;

public static class WasiConfig
{
    /// <summary>Imports starting with this are served here, not through links.</summary>
    public const string Package = "wasi:config/";

    /// <summary>The interface names defined: wasmCloud 1.x's two draft names and the later release candidate of `store`.</summary>
    public static readonly IReadOnlyList<string> Interfaces =
        ["wasi:config/runtime@0.2.0-draft", "wasi:config/store@0.2.0-draft", "wasi:config/store@0.2.0-rc.1"];

    /// <summary>Defines every config interface on <paramref name="linker"/>, answering from <paramref name="currentConfig"/>.</summary>
    public static void Define(ComponentLinker linker, Func<IReadOnlyDictionary<string, string>> currentConfig)
    {
        foreach (var name in Interfaces)
        {
            linker.Instance(name)
                .Func("get", (_, args) =>
                {
                    var key = args[0].AsString();
                    return Answer(currentConfig, config => config.TryGetValue(key, out var value) ? WitValue.Some(WitValue.String(value)) : WitValue.None);
                })
                .Func("get-all", (_, _) => Answer(currentConfig, config => WitValue.List(
                    config.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => WitValue.Tuple(WitValue.String(kv.Key), WitValue.String(kv.Value)))
                        .ToList())));
        }
    }

    /// <summary>A config source that fails is the interface's <c>upstream</c> error, never a trap.</summary>
    private static WitValue Answer(Func<IReadOnlyDictionary<string, string>> currentConfig, Func<IReadOnlyDictionary<string, string>, WitValue> read)
    {
        IReadOnlyDictionary<string, string> config;
        try { config = currentConfig(); }
        catch (Exception e) { return WitValue.Err(WitValue.Variant("upstream", WitValue.String("the component's config is unavailable: " + e.Message))); }
        return WitValue.Ok(read(config));
    }
}
