// wasi:logging/logging (wasi-logging 0.1.0-draft, as wasmCloud uses it): `log(level, context, message)`.
//
// Lines go to a sink the host supplies (a delegate, so this side knows nothing of Akka). A guest
// controls the text, so before it reaches the sink it is made safe to log: secrets of the
// component's config are masked, the length is bounded (one call cannot flood the log), and line
// breaks and other control characters are escaped (one call cannot forge other log lines). A sink
// that throws loses the line but never traps the instance.
using System.Text;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Capabilities;

/// <summary>The six levels of wasi-logging, in its order.</summary>
public enum WasiLogLevel { Trace, Debug, Info, Warn, Error, Critical }

/// <summary>Where a component's log lines go. <paramref name="context"/> is the guest's own tag (often empty).</summary>
public delegate void WasiLogSink(WasiLogLevel level, string context, string message);

public static class WasiLogging
{
    /// <summary>Imports starting with this are served here, not through links.</summary>
    public const string Package = "wasi:logging/";

    /// <summary>wasmCloud 1.x defines the draft and, for older components, the unversioned name.</summary>
    public static readonly IReadOnlyList<string> Interfaces = ["wasi:logging/logging@0.1.0-draft", "wasi:logging/logging"];

    /// <summary>Longest message passed on, in UTF-16 characters; the rest is replaced by a note of how much was cut.</summary>
    public const int MaxMessageLength = 8 * 1024;

    /// <summary>Longest context passed on.</summary>
    public const int MaxContextLength = 256;

    public static void Define(ComponentLinker linker, WasiLogSink sink, SecretRedactor? redactor = null)
    {
        foreach (var name in Interfaces)
        {
            linker.Instance(name).Func("log", (_, args) =>
            {
                var level = Level(args[0]);
                var context = Clean(args[1].AsString(), MaxContextLength, redactor);
                var message = Clean(args[2].AsString(), MaxMessageLength, redactor);
                try { sink(level, context, message); }
                catch (Exception) { /* a broken sink drops the line; the guest's call still succeeds */ }
                return null;
            });
        }
    }

    private static WasiLogLevel Level(WitValue value) => value is WitEnum e
        ? e.Case switch
        {
            "trace" => WasiLogLevel.Trace,
            "debug" => WasiLogLevel.Debug,
            "info" => WasiLogLevel.Info,
            "warn" => WasiLogLevel.Warn,
            "error" => WasiLogLevel.Error,
            "critical" => WasiLogLevel.Critical,
            _ => throw new InvalidOperationException($"wasi:logging level '{e.Case}' is not one of trace, debug, info, warn, error, critical"),
        }
        : throw new InvalidOperationException($"wasi:logging level must be an enum, got {value.Kind}");

    /// <summary>Masks secrets (before cutting, so no part of one survives), bounds the length, escapes control characters.</summary>
    internal static string Clean(string text, int max, SecretRedactor? redactor)
    {
        if (redactor is not null) text = redactor.Redact(text);
        var cut = 0;
        if (text.Length > max)
        {
            var keep = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
            cut = text.Length - keep;
            text = text[..keep];
        }
        var clean = Escape(text);
        return cut == 0 ? clean : $"{clean}… [{cut} more characters cut]";
    }

    private static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) sb.Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else sb.Append("\\u").Append(((int)c).ToString("x4"));
        }
        return sb.ToString();
    }

    // Tabs are harmless; every other control character, and Unicode's own line breaks, could start a forged line.
    private static bool NeedsEscape(char c) => (char.IsControl(c) && c != '\t') || c is '\u2028' or '\u2029';
}
