// JSON for the control interface: snake_case names, map keys as they are, nulls refused where the
// wire type has none (serde would refuse them too). A request that does not parse is answered with
// one line that says which request and what is wrong with it; the host keeps serving.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lattice.Node.Bridge;

/// <summary>A request the bridge refuses: its message is the reply's `message`.</summary>
internal sealed class CtlRequestException(string message) : Exception(message);

internal static partial class CtlJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        RespectNullableAnnotations = true,
        // JSON for programs, not HTML: "wasmcloud+builtin://" stays as it is, as serde writes it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses <paramref name="payload"/> as <typeparamref name="T"/>; <paramref name="what"/> names the request in the error.</summary>
    public static T Parse<T>(ReadOnlyMemory<byte> payload, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload.Span, Options) ?? throw new CtlRequestException($"failed to deserialize {what}: the payload is null");
        }
        catch (JsonException e)
        {
            throw new CtlRequestException($"failed to deserialize {what}: {Describe(e)}");
        }
    }

    /// <summary>System.Text.Json's reason in the request's terms: field names and JSON types, not .NET ones.</summary>
    public static string Describe(JsonException e)
    {
        var message = OneLine(e.Message);
        var missing = MissingFields().Match(message);
        if (missing.Success) return "missing field " + missing.Groups[1].Value.Replace('\'', '`');
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        message = NullableType().Replace(message, "$1");
        message = DotNetType().Replace(message, m => m.Value switch
        {
            var t when t.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list of strings",
            var t when t.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "a map",
            "System.String" => "a string",
            "System.Boolean" => "a boolean",
            var t when t.StartsWith("System.UInt", StringComparison.Ordinal) => "an unsigned integer",
            var t when t.StartsWith("System.Int", StringComparison.Ordinal) => "an integer",
            _ => "an object",
        });
        return e.Path is { Length: > 1 } path ? $"{message} (at {path})" : message;
    }

    [GeneratedRegex("missing required properties including: (.*?)\\.?$")]
    private static partial Regex MissingFields();

    [GeneratedRegex(@"System\.Nullable`1\[(System\.\w+)\]")]
    private static partial Regex NullableType();

    [GeneratedRegex(@"(System\.Collections\.Generic\.\w+`\d\[[^\]]*\](\])?|System\.\w+|Lattice\.Node\.Bridge\.\w+)")]
    private static partial Regex DotNetType();

    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options);

    public static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>
/// `CtlResponse<T>`: <c>{"success": bool, "message": string, "response": T}</c>, the response left
/// out when there is none.
/// </summary>
internal sealed record CtlReply(bool Success, string Message, JsonNode? Response = null)
{
    public static CtlReply Ok<T>(T response) => new(true, "", CtlJson.ToNode(response) ?? new JsonObject());

    public static CtlReply Done(string message) => new(true, message);

    public static CtlReply Error(string message) => new(false, message);

    public static readonly CtlReply Unsupported = Error("unsupported subject");

    public byte[] ToBytes()
    {
        var body = new JsonObject { ["success"] = Success, ["message"] = Message };
        if (Response is not null) body["response"] = Response.DeepClone();
        return JsonSerializer.SerializeToUtf8Bytes(body, CtlJson.Options);
    }
}
