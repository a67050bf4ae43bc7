using System.Text.Json;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Conformance;

/// <summary>
/// Host functions scripted by a case file's <c>host_imports</c>: each import gets a behaviour
/// (noop, echo, tuple, reverse, not, const, seq, set/get, table) as the corpus README describes, with
/// its values typed by the component's own import signature. Calls are counted for
/// <c>expect_host_calls</c>; <c>expect_args</c> makes the function trap on any other arguments,
/// mirroring the asserts in the upstream host code.
/// </summary>
internal sealed class ScriptedHostImports
{
    private readonly Dictionary<string, WitValue> _slots = [];
    private readonly Dictionary<string, int> _seq = [];

    public Dictionary<string, int> Calls { get; } = [];

    public void Define(ComponentLinker linker, JsonElement hostImports, ComponentWorld world)
    {
        foreach (var instance in hostImports.EnumerateObject())
        {
            var target = instance.Name.Length == 0 ? linker.Root : linker.Instance(instance.Name);
            foreach (var func in instance.Value.EnumerateObject())
            {
                // host_imports may describe more than this component imports; only imports need a host.
                if (FindImport(world, instance.Name, func.Name) is not { } type) continue;
                var key = instance.Name.Length == 0 ? func.Name : $"{instance.Name}#{func.Name}";
                var behaviour = func.Value.Clone();
                target.Func(func.Name, (_, args) => Invoke(key, behaviour, type, args));
            }
        }
    }

    public static FunctionType? FindImport(ComponentWorld world, string instance, string func) =>
        instance.Length == 0
            ? world.Imports.OfType<WorldFunction>().FirstOrDefault(f => f.Name == func)?.Type
            : world.Imports.OfType<WorldInterface>().FirstOrDefault(i => i.Name == instance)?.Function(func)?.Type;

    private WitValue? Invoke(string key, JsonElement behaviour, FunctionType type, WitValue[] args)
    {
        Calls[key] = Calls.GetValueOrDefault(key) + 1;
        if (behaviour.TryGetProperty("expect_args", out var expected)) CheckArgs(key, expected, type, args);
        var kind = behaviour.GetProperty("kind").GetString();
        switch (kind)
        {
            case "noop": return Default(type);
            case "echo": return Retype(args[0], type.Params[0].Type, type.Result!);
            case "tuple": return WitValue.Tuple(args);
            case "reverse":
                var t = (WitTuple)args[0];
                return WitValue.Tuple(t.Items[1], t.Items[0]);
            case "not": return WitValue.Bool(!args[0].AsBool());
            case "const": return WitJson.FromJson(behaviour.GetProperty("value"), type.Result!);
            case "seq":
            {
                var values = behaviour.GetProperty("values");
                var i = _seq.GetValueOrDefault(key);
                _seq[key] = i + 1;
                return WitJson.FromJson(values[Math.Min(i, values.GetArrayLength() - 1)], type.Result!);
            }
            case "set":
                _slots[behaviour.GetProperty("slot").GetString()!] = args[0];
                return null;
            case "get":
            {
                var slot = behaviour.GetProperty("slot").GetString()!;
                return _slots.TryGetValue(slot, out var v) ? v
                    : WitJson.FromJson(behaviour.GetProperty("initial"), type.Result!);
            }
            case "table":
                foreach (var row in behaviour.GetProperty("rows").EnumerateArray())
                    if (ArgsEqual(row.GetProperty("args"), type, args))
                        return WitJson.FromJson(row.GetProperty("ret"), type.Result!);
                return behaviour.GetProperty("default").GetString() switch
                {
                    "echo" => Retype(args[0], type.Params[0].Type, type.Result!),
                    "ok-echo" => WitValue.Ok(Retype(args[0], type.Params[0].Type, ((ResultType)type.Result!).Ok!)),
                    var d => throw new InvalidOperationException($"unknown table default '{d}'"),
                };
            default:
                throw new InvalidOperationException($"unknown host behaviour '{kind}' for {key}");
        }
    }

    /// <summary>
    /// Echo re-reads the argument with the result type, with the upstream JavaScript host's number
    /// conversions: `err(f32)` echoed as `err(u8)` truncates and wraps (5.3 becomes 5).
    /// </summary>
    internal static WitValue Retype(WitValue value, WitType from, WitType to)
    {
        switch (value, to)
        {
            case (WitPrimitive p, PrimitiveType) when IsNumber(p.Kind) && IsNumber(to.Kind):
                return Number(p, to.Kind);
            case (WitOption o, OptionType ot):
                return o.Value is null ? WitValue.None : WitValue.Some(Retype(o.Value, ((OptionType)from).Inner, ot.Inner));
            case (WitResult r, ResultType rt):
            {
                var fromType = (ResultType)from;
                var (src, dst) = r.IsOk ? (fromType.Ok, rt.Ok) : (fromType.Err, rt.Err);
                var payload = r.Payload is null || src is null || dst is null ? null : Retype(r.Payload, src, dst);
                return new WitResult(r.IsOk, payload);
            }
            case (WitVariant v, VariantType vt):
            {
                var src = ((VariantType)from).Cases[((VariantType)from).IndexOf(v.Case)].Payload;
                var dst = vt.Cases[vt.IndexOf(v.Case)].Payload;
                return WitValue.Variant(v.Case, v.Payload is null || src is null || dst is null ? null : Retype(v.Payload, src, dst));
            }
            case (WitTuple t, TupleType tt):
                return new WitTuple(t.Items.Select((item, i) => Retype(item, ((TupleType)from).Types[i], tt.Types[i])).ToArray());
            default:
                using (var doc = JsonDocument.Parse(WitJson.ToJson(value, from)))
                    return WitJson.FromJson(doc.RootElement, to);
        }
    }

    private static bool IsNumber(WitKind k) => k is >= WitKind.S8 and <= WitKind.F64;

    private static WitValue Number(WitPrimitive p, WitKind to)
    {
        var isFloat = p.Kind is WitKind.F32 or WitKind.F64;
        var d = p.Kind switch
        {
            WitKind.F32 => p.AsSingle,
            WitKind.F64 => p.AsDouble,
            WitKind.S8 or WitKind.S16 or WitKind.S32 or WitKind.S64 => (long)p.Bits,
            _ => (double)p.Bits,
        };
        if (to == WitKind.F32) return WitValue.F32((float)d);
        if (to == WitKind.F64) return WitValue.F64(d);
        // Integers: truncate toward zero, then wrap to the target width (JavaScript's ToUint8 and kin).
        var bits = isFloat ? unchecked((ulong)(long)Math.Truncate(d)) : p.Bits;
        return to switch
        {
            WitKind.U8 => WitValue.U8((byte)bits),
            WitKind.S8 => WitValue.S8((sbyte)bits),
            WitKind.U16 => WitValue.U16((ushort)bits),
            WitKind.S16 => WitValue.S16((short)bits),
            WitKind.U32 => WitValue.U32((uint)bits),
            WitKind.S32 => WitValue.S32((int)bits),
            WitKind.U64 => WitValue.U64(bits),
            _ => WitValue.S64((long)bits),
        };
    }

    private static WitValue? Default(FunctionType type) => type.Result is null ? null
        : throw new InvalidOperationException("a noop host function cannot produce a result");

    private static bool ArgsEqual(JsonElement expected, FunctionType type, WitValue[] args)
    {
        if (expected.GetArrayLength() != args.Length) return false;
        for (var i = 0; i < args.Length; i++)
            if (!JsonValues.Equal(WitJson.FromJson(expected[i], type.Params[i].Type), args[i])) return false;
        return true;
    }

    private static void CheckArgs(string key, JsonElement expected, FunctionType type, WitValue[] args)
    {
        if (!ArgsEqual(expected, type, args))
            throw new InvalidOperationException(
                $"{key} called with unexpected arguments {string.Join(", ", args.Select((a, i) => WitJson.ToJson(a, type.Params[i].Type)))}, expected {expected}");
    }
}
