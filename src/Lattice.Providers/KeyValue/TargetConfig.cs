// Where a backend reads its settings, as wasmCloud's key-value providers do: the link's target
// config first (so each linked component can point at its own server), then the provider's own
// config. Names match case-insensitively (`URL`, `url` and `Url` are one setting).
using Lattice.Actors.Providers;

namespace Lattice.Providers.KeyValue;

internal static class TargetConfig
{
    public static string? Get(ProviderLink link, IReadOnlyDictionary<string, string> provider, string name) =>
        Find(link.Config, name) ?? Find(provider, name);

    private static string? Find(IReadOnlyDictionary<string, string> config, string name)
    {
        if (config.TryGetValue(name, out var exact)) return Blank(exact);
        foreach (var (key, value) in config)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return Blank(value);
        return null;
    }

    /// <summary>A URL as an error message may show it: credentials (<c>user:password@</c>) masked.</summary>
    public static string Masked(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        return scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A flag setting: true/false, yes/no, 1/0 (any case); anything else is an error naming it.</summary>
    public static bool Flag(ProviderLink link, IReadOnlyDictionary<string, string> provider, string name, bool fallback) =>
        Get(link, provider, name)?.ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            var other => throw new KeyValueException($"config '{name}' must be true or false, not '{other}'"),
        };
}
