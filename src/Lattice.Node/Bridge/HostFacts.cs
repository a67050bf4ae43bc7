// What a wasmCloud host says about itself besides its id: a friendly name (adjective-noun-NNNN, here
// derived from the host id so it survives restarts), its uptime in humantime's words ("1h 2m 3s"),
// and the built-in hostcore.* labels with the values of Rust's std::env::consts.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Lattice.Node.Bridge;

internal static class HostFacts
{
    private static readonly string[] Adjectives =
        ["autumn", "bold", "calm", "crimson", "damp", "dawn", "fragrant", "gentle", "hidden", "lingering", "misty", "patient",
         "proud", "quiet", "rough", "shy", "small", "still", "twilight", "wandering", "white", "wild", "young", "broad"];

    private static readonly string[] Nouns =
        ["bird", "brook", "cloud", "dew", "field", "fire", "flower", "forest", "frog", "glade", "haze", "lake", "leaf", "meadow",
         "moon", "pine", "rain", "river", "sea", "snow", "star", "sun", "water", "wave"];

    public static string FriendlyName(string hostId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(hostId));
        var number = BitConverter.ToUInt16(hash, 2) % 10000;
        return $"{Adjectives[hash[0] % Adjectives.Length]}-{Nouns[hash[1] % Nouns.Length]}-{number:D4}";
    }

    /// <summary>humantime's format_duration of whole seconds: "0s", "59s", "1h 2m 3s", "3days 4h".</summary>
    public static string Uptime(TimeSpan uptime)
    {
        var seconds = (long)Math.Max(0, Math.Floor(uptime.TotalSeconds));
        if (seconds == 0) return "0s";
        var parts = new List<string>();
        var years = seconds / 31_557_600;
        seconds %= 31_557_600;
        var months = seconds / 2_630_016;
        seconds %= 2_630_016;
        var days = seconds / 86_400;
        seconds %= 86_400;
        if (years > 0) parts.Add(years == 1 ? "1year" : $"{years}years");
        if (months > 0) parts.Add(months == 1 ? "1month" : $"{months}months");
        if (days > 0) parts.Add(days == 1 ? "1day" : $"{days}days");
        if (seconds / 3600 > 0) parts.Add($"{seconds / 3600}h");
        if (seconds / 60 % 60 > 0) parts.Add($"{seconds / 60 % 60}m");
        if (seconds % 60 > 0) parts.Add($"{seconds % 60}s");
        return string.Join(' ', parts);
    }

    /// <summary>hostcore.arch / hostcore.os / hostcore.osfamily, spelled as a wasmCloud host on this machine would.</summary>
    public static IReadOnlyDictionary<string, string> CoreLabels { get; } = new Dictionary<string, string>
    {
        ["hostcore.arch"] = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        },
        ["hostcore.os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsWindows() ? "windows" : "unknown",
        ["hostcore.osfamily"] = OperatingSystem.IsWindows() ? "windows" : "unix",
    };
}
