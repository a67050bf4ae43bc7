using System.Buffers;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>The protocol spec's byte vectors (§2.3) and worked examples (§1.7, §1.8), both ways.</summary>
public class WrpcVectorSpec
{
    public static IEnumerable<object[]> Names => WrpcVectors.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Encodes_the_spec_bytes(string name)
    {
        var v = WrpcVectors.ByName[name];
        Assert.Equal(v.Hex, Hex(Encode(v.Type, v.Value)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_the_spec_bytes_to_the_value(string name)
    {
        var v = WrpcVectors.ByName[name];
        var bytes = Hex(v.Hex);
        var result = WrpcDecoder.TryDecode(bytes, v.Type, out var value);
        Assert.True(result.IsComplete);
        Assert.Equal(bytes.Length, result.Consumed);
        Assert.Equal(Show(v.Value), Show(value));
        Assert.Equal(v.Hex, Hex(Encode(v.Type, value!)));
    }

    [Fact]
    public void Keyvalue_get_params_are_the_two_strings_back_to_back()
    {
        Assert.Equal(WrpcVectors.KvGetHex, Hex(EncodeValues(WrpcVectors.KvGetParams, WrpcVectors.KvGetArgs)));
        var values = WrpcDecoder.DecodeValues(Hex(WrpcVectors.KvGetHex), WrpcVectors.KvGetParams, root: "params");
        Assert.Equal(["\"bucket1\"", "\"key\""], values.Select(Show));
    }

    [Fact]
    public void Http_request_params_encode_as_the_worked_example_with_body_and_trailers_pending()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var pending = WrpcEncoder.EncodeValues(buffer, WrpcVectors.HttpHandleParams, WrpcVectors.HttpGetHello, root: "params");
        Assert.Equal(WrpcVectors.HttpGetHelloHex, Hex(buffer.WrittenSpan));
        Assert.Equal(["0.0 stream<u8>", "0.1 future<option<list<tuple<string, list<list<u8>>>>>>"], pending.Select(p => $"{p.Path} {p.Type}"));
        Assert.Same(((WitRecord)WrpcVectors.HttpGetHello[0])["body"], pending[0].Value);
    }

    [Fact]
    public void Http_request_params_decode_with_the_pending_paths_a_transport_reads()
    {
        var bytes = Hex(WrpcVectors.HttpGetHelloHex);
        var result = WrpcDecoder.TryDecodeValues(bytes, WrpcVectors.HttpHandleParams, out var values, root: "params");
        Assert.True(result.IsComplete);
        Assert.Equal(bytes.Length, result.Consumed);
        Assert.Equal(Show(WrpcVectors.HttpGetHello[0]), Show(values![0]));
        Assert.Equal(["0.0", "0.1"], result.Pending.Select(p => p.Path.ToString()));
        var request = (WitRecord)values[0];
        Assert.Same(request["body"], result.Pending[0].Value);
        Assert.Equal("0.0", ((WrpcStream)request["body"]).Path!.ToString());
        Assert.Equal("0.1", ((WrpcFuture)request["trailers"]).Path!.ToString());
        // The same paths are what the receiver subscribes to before the handshake.
        Assert.Equal(["0.0", "0.1"], WrpcAsyncPaths.Of(WrpcVectors.HttpHandleParams).Select(p => p.ToString()));
    }

    [Fact]
    public void Http_body_and_trailers_on_their_paths_are_chunks_an_end_marker_and_a_plain_value()
    {
        var path = new WrpcPath(0, 0);
        var buffer = new ArrayBufferWriter<byte>();
        WrpcEncoder.EncodeStreamChunk(buffer, WitType.U8, Bytes("hi"u8.ToArray()), path);
        WrpcEncoder.EncodeStreamEnd(buffer);
        Assert.Equal("02 68 69 00", Hex(buffer.WrittenSpan));

        var reader = new WrpcValueReader();
        reader.Append(buffer.WrittenSpan);
        reader.End();
        Assert.True(reader.TryReadStreamChunk(WitType.U8, path, 0, out var chunk, out _));
        Assert.Equal("bytes[6869]", Show(chunk));
        Assert.True(reader.TryReadStreamChunk(WitType.U8, path, 2, out var end, out _));
        Assert.Equal(0, ((WitBytes)end!).Value.Length);
        Assert.True(reader.IsFinished);

        // Trailers: the future's value itself (option<fields>), no future tag: none = 00.
        Assert.Equal("00", Hex(Encode(Trailers.Element!, WitValue.None)));
        var trailers = WrpcDecoder.TryDecodeAt(Hex("00"), Trailers.Element!, new WrpcPath(0, 1), out var none);
        Assert.True(trailers.IsComplete);
        Assert.Equal("none", Show(none));
    }

    [Fact]
    public void Stream_chunk_and_end_marker_of_the_spec()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WrpcEncoder.EncodeStreamChunk(buffer, WitType.U8, Bytes(0xc0, 0xff), WrpcPath.Root);
        Assert.Equal("02 c0 ff", Hex(buffer.WrittenSpan));
        buffer.Clear();
        WrpcEncoder.EncodeStreamChunk(buffer, WitType.U8, WitValue.List([]), WrpcPath.Root);
        Assert.Equal("00", Hex(buffer.WrittenSpan));
    }

    [Fact]
    public void Http_error_code_internal_error_is_case_38()
    {
        // Ours, from the rules: err = 01, case 38 = 26, some = 01, "x" = 01 78.
        var v = WitValue.Err(WitValue.Variant("internal-error", WitValue.Some(Str("x"))));
        Assert.Equal("01 26 01 01 78", Hex(Encode(HandleResult, v)));
        Assert.Equal(Show(v), Show(WrpcDecoder.Decode(Hex("01 26 01 01 78"), HandleResult)));
    }

    [Fact]
    public void Flags_with_a_bit_beyond_the_declared_ones_are_rejected_as_upstream_does()
    {
        var e = Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.Decode(Hex("80"), new FlagsType(["show-a", "show-b", "show-c"])));
        Assert.Equal("value: flag bits beyond the 3 flag(s) of the type are set (at byte 0)", e.Message);
    }
}
