using System.Text.Json;
using Lattice.Tests.Wasm;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;
using Xunit.Abstractions;

namespace Lattice.Tests.Conformance;

/// <summary>
/// Runs every case of the conformance corpus on our component host, one theory row per case id.
/// Each case starts from a fresh store and instance; setup steps share it. Failures are our bugs
/// until proven otherwise: these components were built by others with other toolchains.
/// </summary>
public sealed class CorpusConformance(ITestOutputHelper output)
{
    private const string Missing = "(corpus missing)";

    public static IEnumerable<object[]> CaseIds() =>
        Corpus.Default is { } corpus ? corpus.Cases.Keys.Select(id => new object[] { id }) : [[Missing]];

    [SkippableTheory]
    [MemberData(nameof(CaseIds))]
    public void Case(string id)
    {
        if (id == Missing)
        {
            if (Corpus.Required) Assert.Fail(Corpus.MissingReason);
            Skip.If(true, Corpus.MissingReason);
        }
        var corpus = Corpus.Default!;
        var spec = corpus.Cases[id];
        var componentFile = spec.GetProperty("component").GetString()!;
        var component = WasmHost.Cache.LoadFile(corpus.ComponentPath(componentFile));
        using var scratch = new TempDirectory();
        var stdout = new CapturedOutput();
        var stderr = new CapturedOutput();
        var scripted = new ScriptedHostImports();

        using var linker = BuildLinker(corpus, componentFile, component, scripted);
        using var store = new ComponentStore(WasmHost.Engine);
        store.SetFeature(Wasi(spec, componentFile, scratch, stdout, stderr));
        var instance = Instantiate(linker, store, component, corpus, componentFile, scripted);

        try
        {
            if (Bool(spec, "instantiate_only")) return;
            var handles = new Dictionary<string, WitResource>();
            var export = spec.GetProperty("export").GetString()!;
            if (spec.TryGetProperty("setup", out var setup))
                foreach (var step in setup.EnumerateArray()) Step(instance, export, step, handles, $"setup {step.GetProperty("func").GetString()}");

            var func = instance.GetFunction(export, spec.GetProperty("func").GetString()!);
            var args = Args(spec.GetProperty("args"), func.Type, handles);
            if (Bool(spec, "expect_trap"))
            {
                var e = Assert.ThrowsAny<ComponentTrapException>(() => func.Call(args));
                output.WriteLine($"trapped as expected: {e.Message}");
                if (spec.TryGetProperty("expect_trap_contains", out var contains)) Assert.Contains(contains.GetString()!, e.Message);
            }
            else
            {
                var result = func.Call(args);
                if (spec.TryGetProperty("expect", out var expect)) AssertResult(expect, func.Type.Result, result, "result");
            }
            if (spec.TryGetProperty("expect_stdout", out var so)) Assert.Equal(so.GetString(), stdout.Text);
            if (spec.TryGetProperty("expect_stderr", out var se)) Assert.Equal(se.GetString(), stderr.Text);
            if (spec.TryGetProperty("expect_host_calls", out var calls))
                foreach (var c in calls.EnumerateObject())
                    Assert.True(scripted.Calls.GetValueOrDefault(c.Name) == c.Value.GetInt32(),
                        $"host import {c.Name}: expected {c.Value.GetInt32()} call(s), got {scripted.Calls.GetValueOrDefault(c.Name)}");
        }
        finally
        {
            if (stdout.Text.Length > 0) output.WriteLine("stdout: " + stdout.Text);
            if (stderr.Text.Length > 0) output.WriteLine("stderr: " + stderr.Text);
        }
    }

    private static ComponentLinker BuildLinker(Corpus corpus, string componentFile, WasmComponent component, ScriptedHostImports scripted)
    {
        var linker = new ComponentLinker(WasmHost.Engine);
        WasiHost.AddTo(linker);
        var hostImports = corpus.HostImports(componentFile);
        if (hostImports is { } h) scripted.Define(linker, h, component.World);
        GenericResourceHost.Define(linker, component.World, (instance, func) =>
            hostImports is { } hi && hi.TryGetProperty(instance, out var i) && i.TryGetProperty(func, out _));
        return linker;
    }

    /// <summary>
    /// Strict linking first. A component importing what no host here implements yet (wasi:http before
    /// the HTTP capability) is retried with those imports as traps, as the reference runner does;
    /// only instantiate-only cases may need that.
    /// </summary>
    private ComponentInstance Instantiate(ComponentLinker linker, ComponentStore store, WasmComponent component, Corpus corpus, string componentFile, ScriptedHostImports scripted)
    {
        try { return linker.Instantiate(store, component); }
        catch (ComponentLinkException e)
        {
            output.WriteLine($"strict link failed ({e.Message}); retrying with unknown imports as traps");
            var fallback = BuildLinker(corpus, componentFile, component, scripted);
            fallback.DefineUnknownImportsAsTraps(component);
            var fresh = new ComponentStore(WasmHost.Engine);
            fresh.SetFeature(store.Feature<WasiContext>());
            return fallback.Instantiate(fresh, component);
        }
    }

    private static WasiContext Wasi(JsonElement spec, string componentFile, TempDirectory scratch, IWasiOutput stdout, IWasiOutput stderr)
    {
        var args = new List<string> { componentFile };
        var env = new Dictionary<string, string>();
        var preopens = new List<WasiPreopen>();
        if (spec.TryGetProperty("wasi", out var wasi))
        {
            if (wasi.TryGetProperty("args", out var a)) args = a.EnumerateArray().Select(x => x.GetString()!).ToList();
            if (wasi.TryGetProperty("env", out var e)) foreach (var kv in e.EnumerateObject()) env[kv.Name] = kv.Value.GetString()!;
            if (wasi.TryGetProperty("preopens", out var p))
                foreach (var pre in p.EnumerateArray())
                {
                    var dir = scratch.NewSubdirectory();
                    if (pre.TryGetProperty("files", out var files))
                        foreach (var f in files.EnumerateObject())
                        {
                            var path = Path.Combine(dir, f.Name);
                            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                            File.WriteAllText(path, f.Value.GetString());
                        }
                    preopens.Add(new WasiPreopen(dir, pre.GetProperty("guest").GetString()!, ReadOnly: false));
                }
        }
        return new WasiContext { Args = args, Environment = env, Preopens = preopens, Stdout = stdout, Stderr = stderr };
    }

    private static void Step(ComponentInstance instance, string export, JsonElement step, Dictionary<string, WitResource> handles, string what)
    {
        var func = instance.GetFunction(export, step.GetProperty("func").GetString()!);
        var result = func.Call(Args(step.GetProperty("args"), func.Type, handles));
        if (step.TryGetProperty("expect", out var expect)) AssertResult(expect, func.Type.Result, result, what);
        if (step.TryGetProperty("bind", out var bind)) handles[bind.GetString()!] = Assert.IsType<WitResource>(result);
    }

    private static WitValue[] Args(JsonElement args, FunctionType type, Dictionary<string, WitResource> handles)
    {
        Assert.True(args.GetArrayLength() == type.Params.Count, $"case gives {args.GetArrayLength()} args for {type}");
        var values = new WitValue[type.Params.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var arg = args[i];
            var pt = type.Params[i].Type;
            if (arg.ValueKind == JsonValueKind.Object && arg.TryGetProperty("$handle", out var h))
            {
                var handle = handles[h.GetString()!];
                values[i] = pt.Kind == WitKind.Own ? handle : handle.AsBorrow();
            }
            else values[i] = WitJson.FromJson(arg, pt);
        }
        return values;
    }

    private static void AssertResult(JsonElement expect, WitType? type, WitValue? actual, string what)
    {
        if (type is null || expect.ValueKind == JsonValueKind.Null && actual is null)
        {
            Assert.True(expect.ValueKind == JsonValueKind.Null, $"{what}: expected {expect}, function has no result");
            return;
        }
        var expected = WitJson.FromJson(expect, type);
        Assert.True(JsonValues.Equal(expected, actual), $"{what}: expected {expect}, got {WitJson.ToJson(actual, type)}");
    }

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
