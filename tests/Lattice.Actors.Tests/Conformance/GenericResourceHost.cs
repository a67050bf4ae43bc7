using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Conformance;

/// <summary>
/// Implements imports the case file does not script: imported resources behave as small records of
/// their constructor's parameters, as the upstream test hosts do (<c>y(a)</c> keeps <c>a</c>;
/// <c>get-a</c>/<c>set-a</c> read and write it; a static function returning a new handle from a handle
/// plus numbers adds the numbers to the matching fields), and functions without a result are no-ops.
/// Anything else traps with a message saying it is not scripted.
/// </summary>
internal static class GenericResourceHost
{
    private sealed class Fields : Dictionary<string, WitValue>;

    public static void Define(ComponentLinker linker, ComponentWorld world, Func<string, string, bool> isScripted)
    {
        foreach (var item in world.Imports)
        {
            if (item.Name.StartsWith("wasi:", StringComparison.Ordinal)) continue;
            if (item is WorldInterface iface) DefineItems(linker.Instance(iface.Name), iface.Name, iface.Items, isScripted);
        }
        // A world-level `use ns:pkg/iface.{r}` shows up as a root resource that is the interface's
        // type itself (same resource id); the interface defines it, so it gets no type of its own here.
        var interfaceResources = world.Imports.OfType<WorldInterface>()
            .SelectMany(i => i.Items.OfType<WorldResource>()).Select(r => r.ResourceId).ToHashSet();
        var root = world.Imports.Where(i => i is not WorldInterface && !(i is WorldResource r && interfaceResources.Contains(r.ResourceId))).ToList();
        DefineItems(linker.Root, "", root, isScripted);
    }

    private static void DefineItems(LinkerInstance target, string instance, IReadOnlyList<WorldItem> items, Func<string, string, bool> isScripted)
    {
        var types = new Dictionary<string, HostResourceType>();
        foreach (var r in items.OfType<WorldResource>())
        {
            types[r.Name] = new HostResourceType(r.Name);
            target.Resource(r.Name, types[r.Name]);
        }
        foreach (var f in items.OfType<WorldFunction>())
        {
            if (isScripted(instance, f.Name)) continue;
            var func = f;
            target.Func(f.Name, (call, args) => Invoke(call, func, types, args));
        }
    }

    private static WitValue? Invoke(HostCall call, WorldFunction f, Dictionary<string, HostResourceType> types, WitValue[] args)
    {
        var name = f.Name;
        if (name.StartsWith("[constructor]", StringComparison.Ordinal))
        {
            var type = types[name["[constructor]".Length..]];
            var fields = new Fields();
            for (var i = 0; i < args.Length; i++) fields[f.Type.Params[i].Name] = args[i];
            return call.Resources.Own(type, fields);
        }
        if (name.StartsWith("[method]", StringComparison.Ordinal))
        {
            var (resource, method) = Split(name["[method]".Length..]);
            var self = call.Resources.Get<Fields>(types[resource], args[0]);
            if (method.StartsWith("get-", StringComparison.Ordinal) && self.TryGetValue(method[4..], out var v)) return v;
            if (method.StartsWith("set-", StringComparison.Ordinal) && args.Length == 2) { self[method[4..]] = args[1]; return null; }
        }
        if (name.StartsWith("[static]", StringComparison.Ordinal) && f.Type.Result is HandleType { Kind: WitKind.Own } ret
            && types.TryGetValue(ret.Resource ?? "", out var resultType) && args.Length > 0 && args[0] is WitResource handle)
        {
            var source = call.Resources.Get<Fields>(resultType, handle);
            if (handle.Owned) call.Resources.Remove(handle.Rep); // ownership moved to the host
            var sum = new Fields();
            foreach (var (k, v) in source) sum[k] = v;
            for (var i = 1; i < args.Length; i++)
                if (sum.TryGetValue(f.Type.Params[i].Name, out var field) && field is WitPrimitive a && args[i] is WitPrimitive b && a.Kind == b.Kind)
                    sum[f.Type.Params[i].Name] = new WitPrimitive(a.Kind, unchecked(a.Bits + b.Bits));
            return call.Resources.Own(resultType, sum);
        }
        if (f.Type.Result is null) return null;
        throw new InvalidOperationException($"{call.Name} is not scripted by the case file");
    }

    private static (string Resource, string Method) Split(string s)
    {
        var dot = s.IndexOf('.');
        return (s[..dot], s[(dot + 1)..]);
    }
}
