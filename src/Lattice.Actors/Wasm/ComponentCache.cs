// Compile once, load in milliseconds.
//
// Compiling a component with Cranelift takes from milliseconds (a few KiB) to tens of seconds (a
// 12 MB JavaScript component). The cache keeps Wasmtime's precompiled artifact on disk under a key
// made of sha256(component bytes) and the engine's settings (an artifact compiled with other settings
// is rejected by Wasmtime at load), and keeps loaded components in memory for the process. Files are
// written to a temporary name and renamed, so a crash mid-write never leaves a torn artifact; an
// artifact that fails to load (other Wasmtime build, corruption) is deleted and rebuilt.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Lattice.Wasm;

public sealed class ComponentCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<WasmComponent>> _loaded = new();
    private readonly string _settingsTag;

    public ComponentCache(WasmEngine engine, string? directory = null)
    {
        Engine = engine;
        Directory = directory ?? DefaultDirectory();
        System.IO.Directory.CreateDirectory(Directory);
        _settingsTag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(engine.SettingsKey)))[..16];
    }

    public WasmEngine Engine { get; }

    public string Directory { get; }

    /// <summary><c>$LATTICE_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/lattice/components</c>, else <c>~/.cache/lattice/components</c>.</summary>
    public static string DefaultDirectory()
    {
        var explicitDir = Environment.GetEnvironmentVariable("LATTICE_CACHE_DIR");
        if (!string.IsNullOrEmpty(explicitDir)) return explicitDir;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "lattice", "components");
    }

    public WasmComponent LoadFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComponentLoadException($"cannot read {path}: {e.Message}");
        }
        return Load(bytes);
    }

    public WasmComponent Load(byte[] bytes)
    {
        var sha = WasmComponent.HashOf(bytes);
        var lazy = _loaded.GetOrAdd(sha, s => new Lazy<WasmComponent>(() => LoadOrCompile(s, bytes)));
        try { return lazy.Value; }
        catch { _loaded.TryRemove(sha, out _); throw; }
    }

    /// <summary>Where the precompiled artifact for <paramref name="sha256"/> lives.</summary>
    public string ArtifactPath(string sha256) => Path.Combine(Directory, $"{sha256}-{_settingsTag}.cwasm");

    private WasmComponent LoadOrCompile(string sha, byte[] bytes)
    {
        var path = ArtifactPath(sha);
        if (File.Exists(path))
        {
            try { return WasmComponent.Deserialize(Engine, path, sha); }
            catch (ComponentLoadException) { TryDelete(path); }
        }
        var component = WasmComponent.Compile(Engine, bytes);
        try
        {
            var tmp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllBytes(tmp, component.Serialize());
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException) { /* a read-only or full cache only costs the next process a compile */ }
        return component;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values) if (lazy.IsValueCreated) lazy.Value.Dispose();
        _loaded.Clear();
    }
}
