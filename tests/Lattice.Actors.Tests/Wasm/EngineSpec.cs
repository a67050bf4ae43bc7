using Lattice.Wasm;

namespace Lattice.Tests.Wasm;

public class EngineSpec
{
    [Fact]
    public void Settings_key_names_everything_that_invalidates_an_artifact()
    {
        Assert.Contains("fuel=0", WasmHost.Engine.SettingsKey);
        Assert.Contains("no-concurrency", WasmHost.Engine.SettingsKey); // multi-borrow host calls need it off (see WasmEngine)
        using var fuel = new WasmEngine(new EngineOptions { ConsumeFuel = true });
        Assert.NotEqual(WasmHost.Engine.SettingsKey, fuel.SettingsKey);
    }
}
