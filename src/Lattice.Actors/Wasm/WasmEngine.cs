// The engine: one per process, shared by every component and store.
//
// Epoch interruption is always on. A background thread bumps the engine's epoch every
// `EpochTick`; each call sets its store's deadline to `timeout / EpochTick` ticks ahead, so a guest
// stuck in a loop traps at its deadline (checked at loop headers and function entries, cheap) and
// never blocks the thread that called it for longer than that. Fuel is optional because it costs
// 10-30% of execution speed; when on, it bounds work deterministically instead of by wall time.
using Lattice.Wasm.Native;

namespace Lattice.Wasm;

public sealed record EngineOptions
{
    /// <summary>How often the epoch advances; deadlines are measured in these ticks.</summary>
    public TimeSpan EpochTick { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Meter execution with fuel (see <see cref="InstanceLimits.Fuel"/>).</summary>
    public bool ConsumeFuel { get; init; }

    /// <summary>Maximum native stack the guest may use; deeper recursion traps with "call stack exhausted".</summary>
    public int MaxWasmStackBytes { get; init; } = 1024 * 1024;
}

public sealed class WasmEngine : IDisposable
{
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stop = new();
    private IntPtr _handle;

    public WasmEngine(EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        Malloc.TuneForLargeValues();
        var config = Api.wasm_config_new();
        Api.wasmtime_config_epoch_interruption_set(config, 1);
        Api.wasmtime_config_consume_fuel_set(config, Options.ConsumeFuel ? (byte)1 : (byte)0);
        Api.wasmtime_config_max_wasm_stack_set(config, (nuint)Options.MaxWasmStackBytes);
        Api.wasmtime_config_wasm_component_model_set(config, 1);
        // Component-model concurrency (WASI 0.3) is on by default in 50.0.1, and with it a host
        // function taking two or more borrowed handles fails inside Wasmtime ("deferred host scope
        // has no call context") before our callback runs: poll(list<borrow<pollable>>), rename-at...
        // We host WASI 0.2 only, so it is off.
        Api.wasmtime_config_concurrency_support_set(config, 0);
        _handle = Api.wasm_engine_new_with_config(config); // takes ownership of config
        if (_handle == IntPtr.Zero) throw new ComponentException("wasmtime could not create an engine with these settings");

        _ticker = new Thread(Tick) { IsBackground = true, Name = "wasm-epoch" };
        _ticker.Start();
    }

    public EngineOptions Options { get; }

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(WasmEngine));

    /// <summary>
    /// Identifies everything that makes a precompiled artifact valid for this engine: Wasmtime rejects
    /// artifacts compiled with other settings, so the cache keys files by this string too.
    /// </summary>
    public string SettingsKey => $"wasmtime-50.0.1;epoch;no-concurrency;fuel={(Options.ConsumeFuel ? 1 : 0)};stack={Options.MaxWasmStackBytes}";

    /// <summary>Converts a timeout into epoch ticks (at least one).</summary>
    internal ulong TicksFor(TimeSpan timeout) =>
        Math.Max(1, (ulong)Math.Ceiling(timeout.TotalMilliseconds / Options.EpochTick.TotalMilliseconds));

    private void Tick()
    {
        var token = _stop.Token;
        while (!token.WaitHandle.WaitOne(Options.EpochTick))
            Api.wasmtime_engine_increment_epoch(_handle);
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        _stop.Cancel();
        _ticker.Join();
        // Components and stores hold references into the engine; Wasmtime reference-counts it,
        // so deleting our handle here is safe even if some are still alive.
        Api.wasm_engine_delete(_handle);
        _handle = IntPtr.Zero;
    }
}
