// P/Invoke declarations for the parts of libwasmtime (shipped by the Wasmtime NuGet package) that the
// component host uses. Signatures follow crates/c-api/include/wasmtime/*.h; every pointer the C API
// hands out is owned by the caller unless the header says otherwise.
using System.Runtime.InteropServices;

namespace Lattice.Wasm.Native;

internal static unsafe partial class Api
{
    private const string Lib = "wasmtime";

    // --- config and engine -------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasm_config_new();
    [DllImport(Lib)] public static extern void wasmtime_config_epoch_interruption_set(IntPtr config, byte enable);
    [DllImport(Lib)] public static extern void wasmtime_config_consume_fuel_set(IntPtr config, byte enable);
    [DllImport(Lib)] public static extern void wasmtime_config_max_wasm_stack_set(IntPtr config, nuint size);
    [DllImport(Lib)] public static extern void wasmtime_config_wasm_component_model_set(IntPtr config, byte enable);
    [DllImport(Lib)] public static extern void wasmtime_config_concurrency_support_set(IntPtr config, byte enable);
    [DllImport(Lib)] public static extern void wasmtime_config_cranelift_opt_level_set(IntPtr config, byte level);
    [DllImport(Lib)] public static extern void wasmtime_config_parallel_compilation_set(IntPtr config, byte enable);
    [DllImport(Lib)] public static extern IntPtr wasm_engine_new_with_config(IntPtr config);
    [DllImport(Lib)] public static extern void wasm_engine_delete(IntPtr engine);
    [DllImport(Lib)] public static extern void wasmtime_engine_increment_epoch(IntPtr engine);

    // --- errors ------------------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_error_new(byte* message);
    [DllImport(Lib)] public static extern void wasmtime_error_delete(IntPtr error);
    [DllImport(Lib)] public static extern void wasmtime_error_message(IntPtr error, ByteVec* message);
    [DllImport(Lib)] public static extern byte wasmtime_error_exit_status(IntPtr error, int* status);
    [DllImport(Lib)] public static extern void wasm_byte_vec_delete(ByteVec* vec);
    [DllImport(Lib)] public static extern void wasm_byte_vec_new_uninitialized(ByteVec* vec, nuint size);

    // --- store -------------------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_store_new(IntPtr engine, IntPtr data, IntPtr finalizer);
    [DllImport(Lib)] public static extern IntPtr wasmtime_store_context(IntPtr store);
    [DllImport(Lib)] public static extern void wasmtime_store_delete(IntPtr store);
    [DllImport(Lib)] public static extern void wasmtime_store_limiter(IntPtr store, long memorySize, long tableElements, long instances, long tables, long memories);
    [DllImport(Lib)] public static extern IntPtr wasmtime_context_get_data(IntPtr context);
    [DllImport(Lib)] public static extern void wasmtime_context_set_epoch_deadline(IntPtr context, ulong ticksBeyondCurrent);
    [DllImport(Lib)] public static extern IntPtr wasmtime_context_set_fuel(IntPtr context, ulong fuel);
    [DllImport(Lib)] public static extern IntPtr wasmtime_context_get_fuel(IntPtr context, ulong* fuel);

    // --- components --------------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_new(IntPtr engine, byte* buf, nuint len, IntPtr* componentOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_serialize(IntPtr component, ByteVec* ret);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_deserialize(IntPtr engine, byte* buf, nuint len, IntPtr* componentOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_deserialize_file(IntPtr engine, byte* path, IntPtr* componentOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_type(IntPtr component);
    [DllImport(Lib)] public static extern void wasmtime_component_delete(IntPtr component);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_get_export_index(IntPtr component, IntPtr instanceExportIndex, byte* name, nuint nameLen);
    [DllImport(Lib)] public static extern void wasmtime_component_export_index_delete(IntPtr exportIndex);

    // --- linker ------------------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_new(IntPtr engine);
    [DllImport(Lib)] public static extern void wasmtime_component_linker_allow_shadowing(IntPtr linker, byte allow);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_root(IntPtr linker);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_instantiate(IntPtr linker, IntPtr context, IntPtr component, ComponentInstanceRef* instanceOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_define_unknown_imports_as_traps(IntPtr linker, IntPtr component);
    [DllImport(Lib)] public static extern void wasmtime_component_linker_delete(IntPtr linker);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_instance_add_instance(IntPtr linkerInstance, byte* name, nuint nameLen, IntPtr* linkerInstanceOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_instance_add_func(IntPtr linkerInstance, byte* name, nuint nameLen,
        delegate* unmanaged<IntPtr, IntPtr, IntPtr, ComponentVal*, nuint, ComponentVal*, nuint, IntPtr> callback,
        IntPtr data, delegate* unmanaged<IntPtr, void> finalizer);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_linker_instance_add_resource(IntPtr linkerInstance, byte* name, nuint nameLen, IntPtr resourceType,
        delegate* unmanaged<IntPtr, IntPtr, uint, IntPtr> destructor, IntPtr data, delegate* unmanaged<IntPtr, void> finalizer);
    [DllImport(Lib)] public static extern void wasmtime_component_linker_instance_delete(IntPtr linkerInstance);

    // --- instances and functions -------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_instance_get_export_index(ComponentInstanceRef* instance, IntPtr context, IntPtr instanceExportIndex, byte* name, nuint nameLen);
    [DllImport(Lib)] public static extern byte wasmtime_component_instance_get_func(ComponentInstanceRef* instance, IntPtr context, IntPtr exportIndex, ComponentFuncRef* funcOut);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_func_type(ComponentFuncRef* func, IntPtr context);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_func_call(ComponentFuncRef* func, IntPtr context, ComponentVal* args, nuint argsSize, ComponentVal* results, nuint resultsSize);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_func_post_return(ComponentFuncRef* func, IntPtr context);

    // --- values ------------------------------------------------------------------------------
    [DllImport(Lib)] public static extern ComponentVal* wasmtime_component_val_new(ComponentVal* val);
    [DllImport(Lib)] public static extern void wasmtime_component_val_delete(ComponentVal* val);
    [DllImport(Lib)] public static extern void wasmtime_component_vallist_new_uninit(ValVec* vec, nuint size);
    [DllImport(Lib)] public static extern void wasmtime_component_valrecord_new_uninit(ValVec* vec, nuint size);
    [DllImport(Lib)] public static extern void wasmtime_component_valtuple_new_uninit(ValVec* vec, nuint size);
    [DllImport(Lib)] public static extern void wasmtime_component_valflags_new_uninit(ValVec* vec, nuint size);

    // --- resources ---------------------------------------------------------------------------
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_type_new_host(uint ty);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_type_clone(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_resource_type_equal(IntPtr a, IntPtr b);
    [DllImport(Lib)] public static extern void wasmtime_component_resource_type_delete(IntPtr ty);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_any_clone(IntPtr resource);
    [DllImport(Lib)] public static extern byte wasmtime_component_resource_any_owned(IntPtr resource);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_any_drop(IntPtr context, IntPtr resource);
    [DllImport(Lib)] public static extern void wasmtime_component_resource_any_delete(IntPtr resource);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_any_to_host(IntPtr context, IntPtr resource, IntPtr* ret);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_host_new(byte owned, uint rep, uint ty);
    [DllImport(Lib)] public static extern uint wasmtime_component_resource_host_rep(IntPtr resource);
    [DllImport(Lib)] public static extern uint wasmtime_component_resource_host_type(IntPtr resource);
    [DllImport(Lib)] public static extern byte wasmtime_component_resource_host_owned(IntPtr resource);
    [DllImport(Lib)] public static extern void wasmtime_component_resource_host_delete(IntPtr resource);
    [DllImport(Lib)] public static extern IntPtr wasmtime_component_resource_host_to_any(IntPtr context, IntPtr resource, IntPtr* ret);

    // --- types -------------------------------------------------------------------------------
    [DllImport(Lib)] public static extern void wasmtime_component_type_delete(IntPtr ty);
    [DllImport(Lib)] public static extern nuint wasmtime_component_type_import_count(IntPtr ty, IntPtr engine);
    // Wasmtime 50 returns an "extern" (item + implements/external-id metadata) from the component-level lookups.
    [DllImport(Lib)] public static extern byte wasmtime_component_type_import_nth(IntPtr ty, IntPtr engine, nuint nth, byte** name, nuint* nameLen, IntPtr* externOut);
    [DllImport(Lib)] public static extern void wasmtime_component_extern_type(IntPtr ext, ComponentItem* item);
    [DllImport(Lib)] public static extern void wasmtime_component_extern_delete(IntPtr ext);
    [DllImport(Lib)] public static extern nuint wasmtime_component_type_export_count(IntPtr ty, IntPtr engine);
    [DllImport(Lib)] public static extern byte wasmtime_component_type_export_nth(IntPtr ty, IntPtr engine, nuint nth, byte** name, nuint* nameLen, IntPtr* externOut);
    [DllImport(Lib)] public static extern void wasmtime_component_item_delete(ComponentItem* item);
    [DllImport(Lib)] public static extern nuint wasmtime_component_instance_type_export_count(IntPtr ty, IntPtr engine);
    [DllImport(Lib)] public static extern byte wasmtime_component_instance_type_export_nth(IntPtr ty, IntPtr engine, nuint nth, byte** name, nuint* nameLen, IntPtr* externOut);
    [DllImport(Lib)] public static extern void wasmtime_component_func_type_delete(IntPtr ty);
    [DllImport(Lib)] public static extern nuint wasmtime_component_func_type_param_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_func_type_param_nth(IntPtr ty, nuint nth, byte** name, nuint* nameLen, ValType* type);
    [DllImport(Lib)] public static extern byte wasmtime_component_func_type_result(IntPtr ty, ValType* type);
    [DllImport(Lib)] public static extern void wasmtime_component_valtype_delete(ValType* ty);
    [DllImport(Lib)] public static extern void wasmtime_component_list_type_element(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern nuint wasmtime_component_record_type_field_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_record_type_field_nth(IntPtr ty, nuint nth, byte** name, nuint* nameLen, ValType* ret);
    [DllImport(Lib)] public static extern nuint wasmtime_component_tuple_type_types_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_tuple_type_types_nth(IntPtr ty, nuint nth, ValType* ret);
    [DllImport(Lib)] public static extern nuint wasmtime_component_variant_type_case_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_variant_type_case_nth(IntPtr ty, nuint nth, byte** name, nuint* nameLen, byte* hasPayload, ValType* payload);
    [DllImport(Lib)] public static extern nuint wasmtime_component_enum_type_names_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_enum_type_names_nth(IntPtr ty, nuint nth, byte** name, nuint* nameLen);
    [DllImport(Lib)] public static extern nuint wasmtime_component_flags_type_names_count(IntPtr ty);
    [DllImport(Lib)] public static extern byte wasmtime_component_flags_type_names_nth(IntPtr ty, nuint nth, byte** name, nuint* nameLen);
    [DllImport(Lib)] public static extern void wasmtime_component_option_type_ty(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern byte wasmtime_component_result_type_ok(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern byte wasmtime_component_result_type_err(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern void wasmtime_component_map_type_key(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern void wasmtime_component_map_type_value(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern byte wasmtime_component_future_type_ty(IntPtr ty, ValType* ret);
    [DllImport(Lib)] public static extern byte wasmtime_component_stream_type_ty(IntPtr ty, ValType* ret);
}
