// Our marshalling between WitValue and Wasmtime's `wasmtime_component_val_t`.
//
// Host-function results are lowered with Wasmtime's own constructors, because Wasmtime frees them
// with its allocator. Call arguments, which Wasmtime only reads, are lowered into a per-store arena
// (ValArena) that is reset after the call. `list<u8>` is copied in one tight loop over native
// memory, with no managed object per byte (the managed API makes one ComponentValue per byte).
using System.Text;
using Lattice.Wit;

namespace Lattice.Wasm.Native;

/// <summary>Where lowered values' buffers come from (see <see cref="ValArena"/> for why there are two).</summary>
internal unsafe interface IValAllocator
{
    void Bytes(ByteVec* dst, int length);
    void Vals(ValVec* dst, int count, byte kind);
    ComponentVal* Box(ComponentVal* moved);
    IntPtr Resource(IntPtr resourceAny);
}

/// <summary>Wasmtime's allocator: for host-function results, which Wasmtime frees itself.</summary>
internal readonly unsafe struct WasmtimeAllocator : IValAllocator
{
    public void Bytes(ByteVec* dst, int length) => Api.wasm_byte_vec_new_uninitialized(dst, (nuint)length);

    public void Vals(ValVec* dst, int count, byte kind)
    {
        switch (kind)
        {
            case ValKind.Record: Api.wasmtime_component_valrecord_new_uninit(dst, (nuint)count); break;
            case ValKind.Tuple: Api.wasmtime_component_valtuple_new_uninit(dst, (nuint)count); break;
            case ValKind.Flags: Api.wasmtime_component_valflags_new_uninit(dst, (nuint)count); break;
            default: Api.wasmtime_component_vallist_new_uninit(dst, (nuint)count); break;
        }
    }

    public ComponentVal* Box(ComponentVal* moved) => Api.wasmtime_component_val_new(moved);

    public IntPtr Resource(IntPtr resourceAny) => resourceAny;
}

/// <summary>A per-call arena: for call arguments, which Wasmtime only reads.</summary>
internal readonly unsafe struct ArenaAllocator(ValArena arena) : IValAllocator
{
    public void Bytes(ByteVec* dst, int length)
    {
        dst->Size = (nuint)length;
        dst->Data = length == 0 ? null : (byte*)arena.Alloc((nuint)length);
    }

    public void Vals(ValVec* dst, int count, byte kind)
    {
        var size = kind switch { ValKind.Record => sizeof(RecordEntry), ValKind.Flags => sizeof(ByteVec), _ => sizeof(ComponentVal) };
        dst->Size = (nuint)count;
        dst->Data = count == 0 ? null : arena.Alloc((nuint)(count * size));
    }

    public ComponentVal* Box(ComponentVal* moved)
    {
        var p = (ComponentVal*)arena.Alloc((nuint)sizeof(ComponentVal));
        *p = *moved;
        return p;
    }

    public IntPtr Resource(IntPtr resourceAny)
    {
        arena.TrackResource(resourceAny);
        return resourceAny;
    }
}

internal static unsafe class ValMarshal
{
    /// <summary>Lowers a host-function result with Wasmtime's allocator (Wasmtime frees it).</summary>
    public static void Lower(WitValue value, ComponentVal* dst, IntPtr context) => Lower(value, dst, context, default(WasmtimeAllocator));

    /// <summary>Lowers a call argument into <paramref name="arena"/> (freed by the arena's reset).</summary>
    public static void LowerArgument(WitValue value, ComponentVal* dst, IntPtr context, ValArena arena) => Lower(value, dst, context, new ArenaAllocator(arena));

    private static void Lower<TAlloc>(WitValue value, ComponentVal* dst, IntPtr context, TAlloc alloc) where TAlloc : struct, IValAllocator
    {
        *dst = default;
        switch (value)
        {
            case WitPrimitive p:
                dst->Kind = KindOf(p.Kind);
                dst->U64 = p.Bits; // little-endian: the narrower union members read the low bytes
                break;
            case WitString s:
                dst->Kind = ValKind.String;
                LowerString(s.Value, &dst->String, alloc);
                break;
            case WitBytes b:
            {
                dst->Kind = ValKind.List;
                var span = b.Value.Span;
                alloc.Vals(&dst->Vec, span.Length, ValKind.List);
                var items = (ComponentVal*)dst->Vec.Data;
                for (var i = 0; i < span.Length; i++)
                {
                    items[i].Kind = ValKind.U8;
                    items[i].U64 = span[i];
                }
                break;
            }
            case WitList l:
                dst->Kind = ValKind.List;
                LowerVals(l.Items, &dst->Vec, context, ValKind.List, alloc);
                break;
            case WitTuple t:
                dst->Kind = ValKind.Tuple;
                LowerVals(t.Items, &dst->Vec, context, ValKind.Tuple, alloc);
                break;
            case WitRecord r:
            {
                dst->Kind = ValKind.Record;
                alloc.Vals(&dst->Vec, r.Fields.Count, ValKind.Record);
                var entries = (RecordEntry*)dst->Vec.Data;
                for (var i = 0; i < r.Fields.Count; i++)
                {
                    LowerString(r.Fields[i].Name, &entries[i].Name, alloc);
                    Lower(r.Fields[i].Value, &entries[i].Val, context, alloc);
                }
                break;
            }
            case WitVariant v:
                dst->Kind = ValKind.Variant;
                LowerString(v.Case, &dst->Variant.Discriminant, alloc);
                dst->Variant.Val = Box(v.Payload, context, alloc);
                break;
            case WitEnum e:
                dst->Kind = ValKind.Enum;
                LowerString(e.Case, &dst->String, alloc);
                break;
            case WitOption o:
                dst->Kind = ValKind.Option;
                dst->Option = Box(o.Value, context, alloc);
                break;
            case WitResult res:
                dst->Kind = ValKind.Result;
                dst->Result.IsOk = res.IsOk ? (byte)1 : (byte)0;
                dst->Result.Val = Box(res.Payload, context, alloc);
                break;
            case WitFlags f:
            {
                dst->Kind = ValKind.Flags;
                alloc.Vals(&dst->Vec, f.Set.Count, ValKind.Flags);
                var names = (ByteVec*)dst->Vec.Data;
                for (var i = 0; i < f.Set.Count; i++) LowerString(f.Set[i], &names[i], alloc);
                break;
            }
            case WitResource h:
                dst->Kind = ValKind.Resource;
                dst->Resource = alloc.Resource(LowerResource(h, context));
                break;
            default:
                throw new WitTypeMismatchException($"cannot pass a {value.Kind} value to a component");
        }
    }

    private static IntPtr LowerResource(WitResource h, IntPtr context)
    {
        if (h.Guest is { } guest) return guest.CloneHandle();
        var host = Api.wasmtime_component_resource_host_new(h.Owned ? (byte)1 : (byte)0, h.Rep, h.HostType);
        try
        {
            IntPtr any;
            var err = Api.wasmtime_component_resource_host_to_any(context, host, &any);
            if (err != IntPtr.Zero) throw new ComponentException("cannot pass host resource: " + NativeError.Take(err));
            return any;
        }
        finally { Api.wasmtime_component_resource_host_delete(host); }
    }

    private static ComponentVal* Box<TAlloc>(WitValue? payload, IntPtr context, TAlloc alloc) where TAlloc : struct, IValAllocator
    {
        if (payload is null) return null;
        ComponentVal tmp;
        Lower(payload, &tmp, context, alloc);
        return alloc.Box(&tmp); // moves tmp's contents into a box of the allocator's
    }

    private static void LowerVals<TAlloc>(IReadOnlyList<WitValue> items, ValVec* vec, IntPtr context, byte kind, TAlloc alloc) where TAlloc : struct, IValAllocator
    {
        alloc.Vals(vec, items.Count, kind);
        var data = (ComponentVal*)vec->Data;
        for (var i = 0; i < items.Count; i++) Lower(items[i], &data[i], context, alloc);
    }

    private static void LowerString<TAlloc>(string s, ByteVec* dst, TAlloc alloc) where TAlloc : struct, IValAllocator
    {
        var n = Encoding.UTF8.GetByteCount(s);
        alloc.Bytes(dst, n);
        if (n > 0) Encoding.UTF8.GetBytes(s, new Span<byte>(dst->Data, n));
    }

    private static byte KindOf(WitKind k) => k switch
    {
        WitKind.Bool => ValKind.Bool, WitKind.S8 => ValKind.S8, WitKind.U8 => ValKind.U8,
        WitKind.S16 => ValKind.S16, WitKind.U16 => ValKind.U16, WitKind.S32 => ValKind.S32,
        WitKind.U32 => ValKind.U32, WitKind.S64 => ValKind.S64, WitKind.U64 => ValKind.U64,
        WitKind.F32 => ValKind.F32, WitKind.F64 => ValKind.F64, WitKind.Char => ValKind.Char,
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    /// <summary>
    /// Lifts a value Wasmtime produced. <paramref name="type"/> may be null (host-function arguments),
    /// in which case a list whose elements are u8 becomes <see cref="WitBytes"/>.
    /// Guest resources are cloned into <see cref="GuestResource"/> handles owned by <paramref name="store"/>.
    /// </summary>
    public static WitValue Lift(ComponentVal* src, WitType? type, ComponentStore store, IntPtr context)
    {
        switch (src->Kind)
        {
            case ValKind.Bool: return WitValue.Bool(src->U8 != 0);
            case ValKind.S8: return new WitPrimitive(WitKind.S8, unchecked((ulong)(sbyte)src->U8));
            case ValKind.U8: return new WitPrimitive(WitKind.U8, src->U8);
            case ValKind.S16: return new WitPrimitive(WitKind.S16, unchecked((ulong)(short)src->U16));
            case ValKind.U16: return new WitPrimitive(WitKind.U16, src->U16);
            case ValKind.S32: return new WitPrimitive(WitKind.S32, unchecked((ulong)(int)src->U32));
            case ValKind.U32: return new WitPrimitive(WitKind.U32, src->U32);
            case ValKind.S64: return new WitPrimitive(WitKind.S64, src->U64);
            case ValKind.U64: return new WitPrimitive(WitKind.U64, src->U64);
            case ValKind.F32: return new WitPrimitive(WitKind.F32, src->U32);
            case ValKind.F64: return new WitPrimitive(WitKind.F64, src->U64);
            case ValKind.Char: return new WitPrimitive(WitKind.Char, src->U32);
            case ValKind.String: return new WitString(Encoding.UTF8.GetString(src->String.Span));
            case ValKind.Enum: return new WitEnum(Encoding.UTF8.GetString(src->String.Span));
            case ValKind.List:
            {
                var n = checked((int)src->Vec.Size);
                var items = (ComponentVal*)src->Vec.Data;
                var elem = (type as ListType)?.Element;
                if ((elem is not null && elem.Kind == WitKind.U8) || (elem is null && n > 0 && items[0].Kind == ValKind.U8))
                {
                    var bytes = new byte[n];
                    for (var i = 0; i < n; i++) bytes[i] = items[i].U8;
                    return new WitBytes(bytes);
                }
                return new WitList(LiftVals(items, n, elem, store, context));
            }
            case ValKind.Tuple:
            {
                var tt = type as TupleType;
                var n = checked((int)src->Vec.Size);
                var items = (ComponentVal*)src->Vec.Data;
                var vals = new WitValue[n];
                for (var i = 0; i < n; i++) vals[i] = Lift(&items[i], tt?.Types[i], store, context);
                return new WitTuple(vals);
            }
            case ValKind.Record:
            {
                var rt = type as RecordType;
                var n = checked((int)src->Vec.Size);
                var entries = (RecordEntry*)src->Vec.Data;
                var fields = new (string, WitValue)[n];
                for (var i = 0; i < n; i++)
                    fields[i] = (Encoding.UTF8.GetString(entries[i].Name.Span), Lift(&entries[i].Val, rt?.Fields[i].Type, store, context));
                return new WitRecord(fields);
            }
            case ValKind.Variant:
            {
                var name = Encoding.UTF8.GetString(src->Variant.Discriminant.Span);
                WitType? payloadType = null;
                if (type is VariantType vt && vt.IndexOf(name) is var idx and >= 0) payloadType = vt.Cases[idx].Payload;
                return new WitVariant(name, src->Variant.Val is null ? null : Lift(src->Variant.Val, payloadType, store, context));
            }
            case ValKind.Option:
                return src->Option is null ? WitValue.None : new WitOption(Lift(src->Option, (type as OptionType)?.Inner, store, context));
            case ValKind.Result:
            {
                var ok = src->Result.IsOk != 0;
                var rt = type as ResultType;
                var payload = src->Result.Val is null ? null : Lift(src->Result.Val, ok ? rt?.Ok : rt?.Err, store, context);
                return new WitResult(ok, payload);
            }
            case ValKind.Flags:
            {
                var n = checked((int)src->Vec.Size);
                var names = (ByteVec*)src->Vec.Data;
                var set = new string[n];
                for (var i = 0; i < n; i++) set[i] = Encoding.UTF8.GetString(names[i].Span);
                return new WitFlags(set);
            }
            case ValKind.Resource:
                return LiftResource(src->Resource, store, context);
            default:
                throw new ComponentException($"unsupported component value kind {src->Kind}");
        }
    }

    private static WitValue[] LiftVals(ComponentVal* items, int n, WitType? elem, ComponentStore store, IntPtr context)
    {
        var vals = new WitValue[n];
        for (var i = 0; i < n; i++) vals[i] = Lift(&items[i], elem, store, context);
        return vals;
    }

    private static WitResource LiftResource(IntPtr any, ComponentStore store, IntPtr context)
    {
        var owned = Api.wasmtime_component_resource_any_owned(any) != 0;
        IntPtr host;
        var err = Api.wasmtime_component_resource_any_to_host(context, any, &host);
        if (err == IntPtr.Zero)
        {
            try
            {
                return WitResource.Host(Api.wasmtime_component_resource_host_type(host), Api.wasmtime_component_resource_host_rep(host), owned);
            }
            finally { Api.wasmtime_component_resource_host_delete(host); }
        }
        Api.wasmtime_error_delete(err); // not a host resource: keep the guest handle
        return WitResource.FromGuest(new GuestResource(Api.wasmtime_component_resource_any_clone(any), store), owned);
    }

    /// <summary>Frees a value lowered by <see cref="Lower"/> or produced by Wasmtime.</summary>
    public static void Delete(ComponentVal* val) => Api.wasmtime_component_val_delete(val);
}
