namespace Lattice.Model;

/// <summary>
/// A named set of key/values given to components (<c>wasi:config/runtime</c>) and providers, as in
/// wasmCloud's config service. Keys whose name marks them secret are kept out of listings.
/// </summary>
public sealed record NamedConfig(string Name, IReadOnlyDictionary<string, string> Values)
{
    private static readonly string[] SecretMarkers = ["secret", "password", "token", "key"];

    /// <summary>The values with secret-looking keys masked, for `get config` and logs.</summary>
    public IReadOnlyDictionary<string, string> Redacted() =>
        Values.ToDictionary(kv => kv.Key, kv => IsSecret(kv.Key) ? "********" : kv.Value);

    public static bool IsSecret(string key) =>
        SecretMarkers.Any(m => key.Contains(m, StringComparison.OrdinalIgnoreCase));
}
