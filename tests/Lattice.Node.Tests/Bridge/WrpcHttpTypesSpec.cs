using System.Text;
using Lattice.Node.Bridge.Http;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// The wrpc:http types and conversions on their own: error-code has wasi:http 0.2.0's 39 cases in
/// order with payloads the host's HttpErrorCode fits, and request heads and fields convert as the
/// spec's bytes say.
/// </summary>
public sealed class WrpcHttpTypesSpec
{
    [Fact]
    public void Error_code_has_the_39_cases_of_wasi_http_in_order_and_every_host_code_encodes()
    {
        var cases = WrpcHttpTypes.ErrorCode.Cases;
        Assert.Equal(39, cases.Count);
        Assert.Equal("DNS-timeout", cases[0].Name);
        Assert.Equal("TLS-alert-received", cases[14].Name);
        Assert.Equal("HTTP-request-header-size", cases[22].Name);
        Assert.Equal("HTTP-response-timeout", cases[33].Name);
        Assert.Equal("internal-error", cases[38].Name);
        foreach (var c in cases)
            WrpcEncoder.ToArray(WrpcHttpTypes.ErrorCode, WrpcHttpValues.ErrorCode(HttpErrorCode.Of(c.Name)));

        Assert.Equal(ToHex(New().U(38).Byte(1).Str("boom").ToArray()),
            ToHex(WrpcEncoder.ToArray(WrpcHttpTypes.ErrorCode, WrpcHttpValues.ErrorCode(HttpErrorCode.InternalError("boom")))));
        Assert.Equal("21", ToHex(WrpcEncoder.ToArray(WrpcHttpTypes.ErrorCode, WrpcHttpValues.ErrorCode(HttpErrorCode.ResponseTimeout))));
        Assert.Equal("0101" + ToHex(New().Str("x").ToArray()) + "00", // case 1, some("x"), none
            ToHex(WrpcEncoder.ToArray(WrpcHttpTypes.ErrorCode, WrpcHttpValues.ErrorCode(HttpErrorCode.DnsError("x")))));
    }

    [Fact]
    public void The_spec_GET_decodes_to_a_request_head()
    {
        var bytes = Hex("00 00 00 01 06 2f 68 65 6c 6c 6f 01 00 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30 01 04 68 6f 73 74 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30");
        var request = (WitRecord)WrpcDecoder.Decode(bytes, WrpcHttpTypes.Request);
        var head = WrpcHttpValues.ToHead(request);
        Assert.Equal("GET", head.Method);
        Assert.Equal("http", head.Scheme);
        Assert.Equal("localhost:8080", head.Authority);
        Assert.Equal("/hello", head.PathWithQuery);
        Assert.Equal([new HttpField("host", "localhost:8080")], head.Headers);
    }

    [Fact]
    public void Repeated_header_names_become_one_field_with_several_values()
    {
        var fields = WrpcHttpValues.FromFields([new("set-cookie", "a=1"), new("content-type", "text/plain"), new("Set-Cookie", "b=2")]);
        var expected = New().U(2)
            .Str("set-cookie").U(2).Bytes(Encoding.ASCII.GetBytes("a=1")).Bytes(Encoding.ASCII.GetBytes("b=2"))
            .Str("content-type").U(1).Bytes(Encoding.ASCII.GetBytes("text/plain")).ToArray();
        Assert.Equal(ToHex(expected), ToHex(WrpcEncoder.ToArray(WrpcHttpTypes.Fields, fields)));
        Assert.Equal([new("set-cookie", "a=1"), new("set-cookie", "b=2"), new HttpField("content-type", "text/plain")], WrpcHttpValues.ToFields(fields));
    }

    [Theory]
    [InlineData("other", "BAD METHOD", "/", "HTTP-request-method-invalid")]
    [InlineData("get", null, "/a b", "HTTP-request-URI-invalid")]
    [InlineData("get", null, "/frag#x", "HTTP-request-URI-invalid")]
    public void A_head_that_is_not_HTTP_is_refused_with_the_error_code_that_names_it(string methodCase, string? method, string path, string expected)
    {
        var request = (WitRecord)WitValue.Record(("body", WrpcStream.Pending()), ("trailers", WrpcFuture.Pending()),
            ("method", WitValue.Variant(methodCase, method is null ? null : WitValue.String(method))),
            ("path-with-query", WitValue.Some(WitValue.String(path))), ("scheme", WitValue.None),
            ("authority", WitValue.Some(WitValue.String("localhost"))), ("headers", WitValue.List([])));
        var refusal = Assert.Throws<WrpcHttpRefusal>(() => WrpcHttpValues.ToHead(request));
        Assert.Equal(expected, refusal.Code.Case);
    }
}
