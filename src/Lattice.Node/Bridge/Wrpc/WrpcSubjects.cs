// The NATS subjects of wRPC 0.0.1 (protocol spec §1.1). One invocation uses:
//   {prefix}.wrpc.0.0.1.{instance}.{function}   the first message, reply = the client inbox Rc
//   Rc (handshake reply, reply = the server inbox Rs), Rs.params[.path], Rc.results[.path].
// wasmCloud 1.x uses the prefix `{lattice}.{component or provider id}` for both serving and calling,
// and the same string as the serving side's queue group.
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Wrpc;

public static class WrpcSubjects
{
    public const string Protocol = "wrpc.0.0.1";

    /// <summary><c>{lattice}.{id}</c>: the prefix (and queue group) wasmCloud 1.x uses for a component's or provider's exports.</summary>
    public static string Prefix(string lattice, string id)
    {
        if (!IsToken(lattice)) throw new ArgumentException($"'{lattice}' is not a valid lattice name (one NATS token)", nameof(lattice));
        if (!IsToken(id)) throw new ArgumentException($"'{id}' is not a valid component or provider id (one NATS token)", nameof(id));
        return lattice + "." + id;
    }

    /// <summary>
    /// <c>{prefix}.wrpc.0.0.1.{instance}.{function}</c>; an empty prefix or instance drops its segment,
    /// as the Rust transport does.
    /// </summary>
    public static string Invocation(string prefix, string instance, string function) =>
        (prefix.Length == 0 ? "" : prefix + ".") + Suffix(instance, function);

    internal static string Suffix(string instance, string function) =>
        Protocol + "." + (instance.Length == 0 ? "" : instance + ".") + function;

    public static string Params(string serverInbox) => serverInbox + ".params";

    public static string Results(string clientInbox) => clientInbox + ".results";

    /// <summary>The subject an async value at <paramref name="path"/> travels on, below a params or results subject.</summary>
    public static string AtPath(string subject, WrpcPath path) => path.Count == 0 ? subject : subject + "." + path;

    /// <summary>True for a subject one may publish to: dot-separated non-empty tokens, no wildcards or whitespace.</summary>
    public static bool IsLiteral(string? subject)
    {
        if (string.IsNullOrEmpty(subject)) return false;
        foreach (var token in subject.Split('.'))
            if (!IsToken(token)) return false;
        return true;
    }

    /// <summary>A non-empty subject token without wildcards, dots or whitespace.</summary>
    internal static bool IsToken(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty) return false;
        foreach (var c in token)
            if (c is '.' or '*' or '>' || char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        return true;
    }

    /// <summary>Subject text (several tokens) without wildcards, whitespace or empty tokens; empty allowed when <paramref name="allowEmpty"/>.</summary>
    internal static bool IsTokens(string text, bool allowEmpty)
    {
        if (text.Length == 0) return allowEmpty;
        foreach (var token in text.Split('.'))
            if (!IsToken(token)) return false;
        return true;
    }
}
