using Lattice.Wasi.Http;
using Lattice.Wit;

namespace Lattice.Tests.Wasi.Http;

/// <summary>
/// The rules behind wasi:http `fields` that guests built against wasmtime expect (the corpus api_proxy checks
/// immutability and the `host` rule from inside a guest; these check every rule directly), and error codes.
/// </summary>
public sealed class HttpFieldsSpec
{
    private static byte[] B(string s) => System.Text.Encoding.Latin1.GetBytes(s);

    [Fact]
    public void Names_are_stored_lowercased_and_found_whatever_their_case()
    {
        var fields = new HttpFields();
        Assert.Null(fields.Append("Content-Type", B("text/plain")));
        Assert.Null(fields.Append("X-A", B("1")));
        Assert.Null(fields.Append("x-a", B("2")));

        Assert.True(fields.Has("CONTENT-TYPE"));
        Assert.Equal(["1", "2"], fields.Get("X-a").Select(v => System.Text.Encoding.Latin1.GetString(v)));
        Assert.Equal(["content-type", "x-a", "x-a"], fields.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Set_replaces_every_value_and_delete_removes_them()
    {
        var fields = new HttpFields();
        fields.Append("x-a", B("1"));
        fields.Append("x-b", B("keep"));
        fields.Append("x-a", B("2"));

        Assert.Null(fields.Set("X-A", [B("3"), B("4")]));
        Assert.Equal(["x-b", "x-a", "x-a"], fields.Entries.Select(e => e.Name));
        Assert.Null(fields.Delete("x-a"));
        Assert.False(fields.Has("x-a"));
        Assert.True(fields.Has("x-b"));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    [InlineData("x:y")]
    [InlineData("ünicode")]
    public void A_name_that_is_not_a_token_is_invalid_syntax(string name)
    {
        var fields = new HttpFields();
        Assert.Equal(HeaderError.InvalidSyntax, fields.Append(name, B("v")));
        Assert.Equal(HeaderError.InvalidSyntax, fields.Set(name, [B("v")]));
        Assert.Equal(HeaderError.InvalidSyntax, fields.Delete(name));
        Assert.Empty(fields.Get(name));
        Assert.False(fields.Has(name));
    }

    [Theory]
    [InlineData("a\r\nx-injected: 1")]
    [InlineData("nul\0")]
    [InlineData("del\x7f")]
    public void A_value_with_control_characters_is_invalid_syntax(string value)
    {
        var fields = new HttpFields();
        Assert.Equal(HeaderError.InvalidSyntax, fields.Append("x-a", B(value)));
        Assert.Equal(HeaderError.InvalidSyntax, fields.Set("x-a", [B("ok"), B(value)]));
        Assert.Equal(0, fields.Count);
    }

    [Fact]
    public void Tabs_and_octets_above_ascii_are_valid_values()
    {
        var fields = new HttpFields();
        Assert.Null(fields.Append("x-a", [(byte)'a', (byte)'\t', 0xE9, 0xFF]));
    }

    [Theory]
    [InlineData("host")]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("proxy-authenticate")]
    [InlineData("proxy-authorization")]
    [InlineData("proxy-connection")]
    [InlineData("transfer-encoding")]
    [InlineData("upgrade")]
    [InlineData("http2-settings")]
    public void Hop_by_hop_headers_are_forbidden_to_guests(string name)
    {
        var fields = new HttpFields();
        Assert.Equal(HeaderError.Forbidden, fields.Append(name, B("x")));
        Assert.Equal(HeaderError.Forbidden, fields.Set(name, [B("x")]));
        Assert.Equal(HeaderError.Forbidden, fields.Delete(name));
        Assert.Null(HttpFields.FromList([("x-ok", B("1")), (name, B("x"))], out var error));
        Assert.Equal(HeaderError.Forbidden, error);
    }

    [Fact]
    public void Fields_from_outside_drop_forbidden_and_malformed_entries_and_are_immutable()
    {
        var fields = HttpFields.FromOutside([new("Host", "example.com"), new("Accept", "*/*"), new("bad name", "x"), new("x-bad", "a\nb")]);

        Assert.Equal(["accept"], fields.Entries.Select(e => e.Name));
        Assert.True(fields.IsImmutable);
    }

    [Fact]
    public void Frozen_fields_refuse_changes_after_syntax_and_forbidden_checks_but_clone_to_mutable_copies()
    {
        var fields = new HttpFields();
        fields.Append("x-a", B("1"));
        fields.Freeze();

        Assert.Equal(HeaderError.Immutable, fields.Append("x-b", B("2")));
        Assert.Equal(HeaderError.Immutable, fields.Set("x-a", [B("2")]));
        Assert.Equal(HeaderError.Immutable, fields.Delete("x-a"));
        Assert.Equal(HeaderError.InvalidSyntax, fields.Append("bad name", B("2"))); // the checks run in wasmtime's order
        Assert.Equal(HeaderError.Forbidden, fields.Delete("host"));

        var copy = fields.Clone();
        Assert.False(copy.IsImmutable);
        Assert.Null(copy.Append("x-b", B("2")));
        Assert.Equal(1, fields.Count);
        Assert.Equal(2, copy.Count);
    }

    [Fact]
    public void From_list_reports_the_first_invalid_entry()
    {
        Assert.Null(HttpFields.FromList([("x-a", B("1")), ("bad name", B("2"))], out var error));
        Assert.Equal(HeaderError.InvalidSyntax, error);

        var fields = HttpFields.FromList([("X-A", B("1")), ("x-b", B("2"))], out error);
        Assert.Null(error);
        Assert.Equal(["x-a", "x-b"], fields!.Entries.Select(e => e.Name));
        Assert.False(fields.IsImmutable);
    }

    [Fact]
    public void A_guest_cannot_grow_one_fields_object_past_its_limit()
    {
        var fields = new HttpFields();
        var value = Enumerable.Repeat((byte)'a', 64 * 1024).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            for (var i = 0; i < 100; i++) fields.Append("x-big", value);
        });
        Assert.Contains("KiB", e.Message);
    }

    [Theory]
    [InlineData("1234", 1234L)]
    [InlineData(" 7 ", 7L)]
    [InlineData("-1", null)]
    [InlineData("12a", null)]
    public void Content_length_is_read_when_well_formed(string value, long? expected)
    {
        var fields = new HttpFields();
        fields.Append("content-length", B(value));
        Assert.Equal(expected, fields.ContentLength);
    }

    [Fact]
    public void Every_error_code_case_can_be_made_and_unknown_cases_are_refused()
    {
        Assert.Equal("HTTP-request-denied", HttpErrorCode.RequestDenied.Case);
        Assert.Null(HttpErrorCode.Of("connection-refused").Value);
        Assert.IsType<WitOption>(HttpErrorCode.Of("HTTP-response-body-size").Value);
        Assert.IsType<WitRecord>(HttpErrorCode.Of("DNS-error").Value);
        Assert.IsType<WitRecord>(HttpErrorCode.Of("HTTP-response-header-size").Value);
        Assert.Equal("guest refuses", HttpErrorCode.InternalError("guest refuses").Message);
        Assert.Equal("internal-error: boom", HttpErrorCode.InternalError("boom").ToString());

        var e = Assert.Throws<ArgumentException>(() => HttpErrorCode.Of("http-request-denied")); // the WIT spelling is exact
        Assert.Contains("http-request-denied", e.Message);
    }
}
