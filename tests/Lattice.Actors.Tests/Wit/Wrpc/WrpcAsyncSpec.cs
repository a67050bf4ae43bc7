using System.Buffers;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>What a transport needs for futures and streams: which paths to subscribe, which values are pending where.</summary>
public class WrpcAsyncSpec
{
    private static readonly AsyncValueType FutureU32 = new(WitKind.Future, WitType.U32);

    [Fact]
    public void Async_paths_follow_the_upstream_rules()
    {
        var nested = new RecordType([
            new("a", WitType.U32),
            new("s", new AsyncValueType(WitKind.Stream, new TupleType([WitType.U8, FutureU32]))),
            new("l", new ListType(new OptionType(FutureU32))),
            new("r", new ResultType(FutureU32, new VariantType([new("x", BodyStream), new("y", null)]))),
        ]);
        var types = new WitType[] { WitType.String, nested, new AsyncValueType(WitKind.Future, new RecordType([new("f", FutureU32)])) };
        Assert.Equal(["1.1.*.1", "1.1", "1.2.*", "1.3", "2.0", "2"], WrpcAsyncPaths.Of(types).Select(p => p.ToString()));
        Assert.Empty(WrpcAsyncPaths.Of([WitType.String, KvGetResult]));
        Assert.False(WrpcAsyncPaths.HasAsync(KvGetResult));
        Assert.True(WrpcAsyncPaths.HasAsync(Response));
        Assert.Equal(["0", "1"], WrpcAsyncPaths.OfValue(Response).Select(p => p.ToString()));
        Assert.Equal([""], WrpcAsyncPaths.OfValue(FutureU32).Select(p => p.ToString()));
    }

    [Fact]
    public void Patterns_match_the_concrete_paths_of_decoded_pending_values()
    {
        var type = new ListType(new RecordType([new("name", WitType.String), new("body", BodyStream)]));
        var value = WitValue.List(Enumerable.Range(0, 3).Select(i => WitValue.Record(("name", Str($"n{i}")), ("body", WrpcStream.Pending()))).ToList());
        var bytes = EncodeValues([WitType.Bool, type], [WitValue.Bool(true), value]);
        var result = WrpcDecoder.TryDecodeValues(bytes, [WitType.Bool, type], out _);
        var patterns = WrpcAsyncPaths.Of([WitType.Bool, type]);
        Assert.Equal(["1.*.1"], patterns.Select(p => p.ToString()));
        Assert.Equal(["1.0.1", "1.1.1", "1.2.1"], result.Pending.Select(p => p.Path.ToString()));
        Assert.All(result.Pending, p => Assert.True(patterns[0].Matches(p.Path)));
        Assert.False(patterns[0].Matches(new WrpcPath(1, 0, 0)));
        Assert.True(patterns[0].IsPattern);
        Assert.False(result.Pending[0].Path.IsPattern);
    }

    [Fact]
    public void Stream_chunks_number_the_paths_of_async_elements_by_their_place_in_the_whole_stream()
    {
        var path = new WrpcPath(0, 2);
        var buffer = new ArrayBufferWriter<byte>();
        var first = WrpcEncoder.EncodeStreamChunk(buffer, FutureU32, WitValue.List([WrpcFuture.Pending(), WrpcFuture.Ready(WitValue.U32(5))]), path, firstIndex: 0);
        var second = WrpcEncoder.EncodeStreamChunk(buffer, FutureU32, WitValue.List([WrpcFuture.Pending()]), path, firstIndex: 2);
        WrpcEncoder.EncodeStreamEnd(buffer);
        Assert.Equal("02 00 01 05 01 00 00", Hex(buffer.WrittenSpan));
        Assert.Equal(["0.2.0"], first.Select(p => p.Path.ToString()));
        Assert.Equal(["0.2.2"], second.Select(p => p.Path.ToString()));

        var reader = new WrpcValueReader();
        reader.Append(buffer.WrittenSpan);
        var seen = new List<string>();
        var index = 0;
        while (reader.TryReadStreamChunk(FutureU32, path, index, out var items, out var pending))
        {
            var list = (WitList)items!;
            if (list.Items.Count == 0) break;
            seen.AddRange(pending.Select(p => p.Path.ToString()));
            index += list.Items.Count;
        }
        Assert.Equal(["0.2.0", "0.2.2"], seen);
        Assert.Equal(0, reader.Buffered);
    }

    [Fact]
    public void A_pending_futures_value_arrives_on_its_path_as_the_plain_type()
    {
        var type = new AsyncValueType(WitKind.Future, new RecordType([new("code", WitType.U16), new("more", BodyStream)]));
        var buffer = new ArrayBufferWriter<byte>();
        var pending = WrpcEncoder.Encode(buffer, type, WrpcFuture.Pending());
        Assert.Equal("00", Hex(buffer.WrittenSpan));
        var futurePath = new WrpcPath(1).Append(0);
        buffer.Clear();
        var inner = WrpcEncoder.EncodeAt(buffer, type.Element!, WitValue.Record(("code", WitValue.U16(7)), ("more", WrpcStream.Pending())), futurePath);
        Assert.Equal("07 00", Hex(buffer.WrittenSpan));
        Assert.Equal(["1.0.1"], inner.Select(p => p.Path.ToString()));
        Assert.Single(pending);
        Assert.Equal("", pending[0].Path.ToString());
    }

    [Fact]
    public void An_input_stream_handle_can_be_sent_as_wasmcloud_sends_it_nothing_inline()
    {
        var inputStream = new HandleType(WitKind.Own, "input-stream", 9);
        var options = new WrpcOptions { IsByteStream = h => h.ResourceId == 9 };
        var types = new WitType[] { WitType.String, inputStream };
        var buffer = new ArrayBufferWriter<byte>();
        var pending = WrpcEncoder.EncodeValues(buffer, types, [Str("k"), WrpcStream.Pending()], options);
        Assert.Equal("01 6b", Hex(buffer.WrittenSpan));
        Assert.Equal(["1"], pending.Select(p => p.Path.ToString()));
        Assert.Same(inputStream, pending[0].Type);
        Assert.Equal(["1"], WrpcAsyncPaths.Of(types, options).Select(p => p.ToString()));

        var result = WrpcDecoder.TryDecodeValues(buffer.WrittenSpan, types, out var values, options);
        Assert.True(result.IsComplete);
        Assert.Equal("1", ((WrpcStream)values![1]).Path!.ToString());
        // Without the option the same type is an ordinary handle.
        Assert.Empty(WrpcAsyncPaths.Of(types));
    }

    [Fact]
    public void Guest_handles_are_uuid_bytes_in_the_uuid_crates_little_endian_layout()
    {
        var id = Guid.Parse("0190a4b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b");
        var handle = WrpcHandle.FromGuid(id);
        // to_bytes_le: the first three fields byte-swapped, the rest as written.
        Assert.Equal("b2 a4 90 01 4d 3c 5f 7e 8a 9b 0c 1d 2e 3f 4a 5b", Hex(handle.Value.Span));
        Assert.Equal(7, WrpcHandle.NewShared().TryGetGuid(out var fresh) ? fresh.Version : 0);
        Assert.False(new WrpcHandle(new byte[] { 1, 2 }).TryGetGuid(out _));
    }
}
