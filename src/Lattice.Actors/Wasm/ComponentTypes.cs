// Reads a compiled component's imports and exports, with full WIT types, through Wasmtime's type
// introspection (wasmtime/component/types/*.h).
//
// Wasmtime's types carry no resource names: a parameter typed `own<output-stream>` only points at
// an opaque resource type. Names come from the items that declare resources (an interface's
// `resource output-stream` export), so reading is two passes: first collect every declared resource
// with its name, then read functions and resolve each handle type by Wasmtime's type equality.
using Lattice.Wasm.Native;
using Lattice.Wit;

namespace Lattice.Wasm;

internal static unsafe class ComponentTypes
{
    public static ComponentWorld ReadWorld(IntPtr componentType, IntPtr engine)
    {
        using var resources = new ResourceNames();
        // Pass 1: names of declared resources.
        ForEach(componentType, engine, imports: true, (name, item) => CollectResources(name, item, engine, resources));
        ForEach(componentType, engine, imports: false, (name, item) => CollectResources(name, item, engine, resources));
        // Pass 2: everything, with handle types resolved.
        var imports = new List<WorldItem>();
        var exports = new List<WorldItem>();
        ForEach(componentType, engine, imports: true, (name, item) => imports.Add(ReadItem(name, item, engine, resources)));
        ForEach(componentType, engine, imports: false, (name, item) => exports.Add(ReadItem(name, item, engine, resources)));
        return new ComponentWorld(imports, exports);
    }

    private static FunctionType ReadFunction(IntPtr funcType, ResourceNames resources)
    {
        var count = (int)Api.wasmtime_component_func_type_param_count(funcType);
        var ps = new WitParam[count];
        for (var i = 0; i < count; i++)
        {
            byte* name; nuint len; ValType t;
            if (Api.wasmtime_component_func_type_param_nth(funcType, (nuint)i, &name, &len, &t) == 0)
                throw new ComponentException($"wasmtime returned no parameter {i}");
            ps[i] = new WitParam(NativeError.Utf8(name, len), TakeValType(&t, resources));
        }
        ValType r;
        var result = Api.wasmtime_component_func_type_result(funcType, &r) != 0 ? TakeValType(&r, resources) : null;
        return new FunctionType(ps, result);
    }

    private delegate void ItemVisitor(string name, ComponentItem* item);

    private static void ForEach(IntPtr componentType, IntPtr engine, bool imports, ItemVisitor visit)
    {
        var count = imports ? Api.wasmtime_component_type_import_count(componentType, engine)
                            : Api.wasmtime_component_type_export_count(componentType, engine);
        for (nuint i = 0; i < count; i++)
        {
            byte* name; nuint len; IntPtr ext;
            var ok = imports ? Api.wasmtime_component_type_import_nth(componentType, engine, i, &name, &len, &ext)
                             : Api.wasmtime_component_type_export_nth(componentType, engine, i, &name, &len, &ext);
            if (ok == 0) continue;
            Visit(name, len, ext, visit);
        }
    }

    /// <summary>Wasmtime 50 hands out an "extern" per import/export; its item is the type.</summary>
    private static void Visit(byte* name, nuint len, IntPtr ext, ItemVisitor visit)
    {
        ComponentItem item;
        Api.wasmtime_component_extern_type(ext, &item);
        try { visit(NativeError.Utf8(name, len), &item); }
        finally
        {
            Api.wasmtime_component_item_delete(&item);
            Api.wasmtime_component_extern_delete(ext);
        }
    }

    private static void ForEachInInstance(IntPtr instanceType, IntPtr engine, ItemVisitor visit)
    {
        var count = Api.wasmtime_component_instance_type_export_count(instanceType, engine);
        for (nuint i = 0; i < count; i++)
        {
            byte* name; nuint len; IntPtr ext;
            if (Api.wasmtime_component_instance_type_export_nth(instanceType, engine, i, &name, &len, &ext) == 0) continue;
            Visit(name, len, ext, visit);
        }
    }

    private static void CollectResources(string name, ComponentItem* item, IntPtr engine, ResourceNames resources)
    {
        switch (item->Kind)
        {
            case ItemKind.Resource:
                resources.Declare(item->Of, name);
                break;
            case ItemKind.ComponentInstance:
                ForEachInInstance(item->Of, engine, (n, i) => CollectResources(n, i, engine, resources));
                break;
        }
    }

    private static WorldItem ReadItem(string name, ComponentItem* item, IntPtr engine, ResourceNames resources)
    {
        switch (item->Kind)
        {
            case ItemKind.ComponentFunc:
                return new WorldFunction(name, ReadFunction(item->Of, resources));
            case ItemKind.ComponentInstance:
                var items = new List<WorldItem>();
                ForEachInInstance(item->Of, engine, (n, i) => items.Add(ReadItem(n, i, engine, resources)));
                return new WorldInterface(name, items);
            case ItemKind.Resource:
                return new WorldResource(name, resources.IdOf(item->Of));
            case ItemKind.Type:
                return new WorldType(name, ReadValType(&item->Type, resources));
            case ItemKind.Module:
                return new WorldOther(name, "core module");
            case ItemKind.Component:
                return new WorldOther(name, "component");
            default:
                return new WorldOther(name, $"core func (kind {item->Kind})");
        }
    }

    /// <summary>Reads a valtype Wasmtime handed us and frees it.</summary>
    private static WitType TakeValType(ValType* t, ResourceNames resources)
    {
        try { return ReadValType(t, resources); }
        finally { Api.wasmtime_component_valtype_delete(t); }
    }

    private static WitType ReadValType(ValType* t, ResourceNames resources)
    {
        var of = t->Of;
        switch (t->Kind)
        {
            case ValTypeKind.Bool: return WitType.Bool;
            case ValTypeKind.S8: return WitType.S8;
            case ValTypeKind.S16: return WitType.S16;
            case ValTypeKind.S32: return WitType.S32;
            case ValTypeKind.S64: return WitType.S64;
            case ValTypeKind.U8: return WitType.U8;
            case ValTypeKind.U16: return WitType.U16;
            case ValTypeKind.U32: return WitType.U32;
            case ValTypeKind.U64: return WitType.U64;
            case ValTypeKind.F32: return WitType.F32;
            case ValTypeKind.F64: return WitType.F64;
            case ValTypeKind.Char: return WitType.Char;
            case ValTypeKind.String: return WitType.String;
            case ValTypeKind.ErrorContext: return WitType.ErrorContext;
            case ValTypeKind.List:
            {
                ValType e; Api.wasmtime_component_list_type_element(of, &e);
                return new ListType(TakeValType(&e, resources));
            }
            case ValTypeKind.Record:
            {
                var n = (int)Api.wasmtime_component_record_type_field_count(of);
                var fields = new WitField[n];
                for (var i = 0; i < n; i++)
                {
                    byte* name; nuint len; ValType ft;
                    Api.wasmtime_component_record_type_field_nth(of, (nuint)i, &name, &len, &ft);
                    fields[i] = new WitField(NativeError.Utf8(name, len), TakeValType(&ft, resources));
                }
                return new RecordType(fields);
            }
            case ValTypeKind.Tuple:
            {
                var n = (int)Api.wasmtime_component_tuple_type_types_count(of);
                var types = new WitType[n];
                for (var i = 0; i < n; i++)
                {
                    ValType et; Api.wasmtime_component_tuple_type_types_nth(of, (nuint)i, &et);
                    types[i] = TakeValType(&et, resources);
                }
                return new TupleType(types);
            }
            case ValTypeKind.Variant:
            {
                var n = (int)Api.wasmtime_component_variant_type_case_count(of);
                var cases = new WitCase[n];
                for (var i = 0; i < n; i++)
                {
                    byte* name; nuint len; byte has; ValType pt;
                    Api.wasmtime_component_variant_type_case_nth(of, (nuint)i, &name, &len, &has, &pt);
                    cases[i] = new WitCase(NativeError.Utf8(name, len), has != 0 ? TakeValType(&pt, resources) : null);
                }
                return new VariantType(cases);
            }
            case ValTypeKind.Enum:
                return new EnumType(Names(of, &Api.wasmtime_component_enum_type_names_count, &Api.wasmtime_component_enum_type_names_nth));
            case ValTypeKind.Flags:
                return new FlagsType(Names(of, &Api.wasmtime_component_flags_type_names_count, &Api.wasmtime_component_flags_type_names_nth));
            case ValTypeKind.Option:
            {
                ValType it; Api.wasmtime_component_option_type_ty(of, &it);
                return new OptionType(TakeValType(&it, resources));
            }
            case ValTypeKind.Result:
            {
                ValType ok, err;
                var okT = Api.wasmtime_component_result_type_ok(of, &ok) != 0 ? TakeValType(&ok, resources) : null;
                var errT = Api.wasmtime_component_result_type_err(of, &err) != 0 ? TakeValType(&err, resources) : null;
                return new ResultType(okT, errT);
            }
            case ValTypeKind.Own:
            case ValTypeKind.Borrow:
            {
                var id = resources.IdOf(of);
                return new HandleType(t->Kind == ValTypeKind.Own ? WitKind.Own : WitKind.Borrow, resources.NameOf(id), id);
            }
            case ValTypeKind.Map:
            {
                ValType k, v;
                Api.wasmtime_component_map_type_key(of, &k);
                Api.wasmtime_component_map_type_value(of, &v);
                return new MapType(TakeValType(&k, resources), TakeValType(&v, resources));
            }
            case ValTypeKind.Future:
            case ValTypeKind.Stream:
            {
                ValType e;
                var has = t->Kind == ValTypeKind.Future ? Api.wasmtime_component_future_type_ty(of, &e) : Api.wasmtime_component_stream_type_ty(of, &e);
                return new AsyncValueType(t->Kind == ValTypeKind.Future ? WitKind.Future : WitKind.Stream, has != 0 ? TakeValType(&e, resources) : null);
            }
            default:
                throw new ComponentException($"unsupported WIT type kind {t->Kind} (newer than Wasmtime 50's component model?)");
        }
    }

    private static string[] Names(IntPtr ty, delegate*<IntPtr, nuint> count, delegate*<IntPtr, nuint, byte**, nuint*, byte> nth)
    {
        var n = (int)count(ty);
        var names = new string[n];
        for (var i = 0; i < n; i++)
        {
            byte* name; nuint len;
            nth(ty, (nuint)i, &name, &len);
            names[i] = NativeError.Utf8(name, len);
        }
        return names;
    }
}

/// <summary>Resource types seen while reading one component, by Wasmtime type equality.</summary>
internal sealed class ResourceNames : IDisposable
{
    private readonly List<(IntPtr Type, string? Name)> _known = [];

    public void Declare(IntPtr type, string name)
    {
        var id = IdOf(type);
        if (_known[id].Name is null) _known[id] = (_known[id].Type, name);
    }

    public int IdOf(IntPtr type)
    {
        for (var i = 0; i < _known.Count; i++)
            if (Native.Api.wasmtime_component_resource_type_equal(_known[i].Type, type) != 0) return i;
        _known.Add((Native.Api.wasmtime_component_resource_type_clone(type), null));
        return _known.Count - 1;
    }

    public string? NameOf(int id) => _known[id].Name;

    public void Dispose()
    {
        foreach (var (t, _) in _known) Native.Api.wasmtime_component_resource_type_delete(t);
        _known.Clear();
    }
}
