using System.Buffers;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>Values that arrive in pieces: every vector split at every offset, byte by byte, and across sequence segments.</summary>
public class WrpcChunkedSpec
{
    public static IEnumerable<object[]> Names => WrpcVectors.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_prefix_asks_for_more_and_the_rest_completes_the_value(string name)
    {
        var v = WrpcVectors.ByName[name];
        var bytes = Hex(v.Hex);
        for (var k = 0; k < bytes.Length; k++)
        {
            var partial = WrpcDecoder.TryDecode(bytes.AsSpan(0, k), v.Type, out var none);
            Assert.False(partial.IsComplete, $"prefix {k}");
            Assert.Null(none);
            Assert.Equal(0, partial.Consumed);
            Assert.InRange(partial.MinimumLength, k + 1, bytes.Length);

            var reader = new WrpcValueReader();
            reader.Append(bytes.AsSpan(0, k));
            Assert.False(reader.TryRead(v.Type, out _, out _));
            reader.Append(bytes.AsSpan(k));
            Assert.True(reader.TryRead(v.Type, out var value, out _));
            Assert.Equal(Show(v.Value), Show(value));
            Assert.Equal(bytes.Length, reader.Position);
            Assert.Equal(0, reader.Buffered);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_sequence_split_at_every_offset_decodes_the_same(string name)
    {
        var v = WrpcVectors.ByName[name];
        var bytes = Hex(v.Hex);
        for (var k = 1; k < bytes.Length; k++)
        {
            var sequence = Sequence(bytes[..k], bytes[k..]);
            var result = WrpcDecoder.TryDecode(sequence, v.Type, out var value);
            Assert.True(result.IsComplete);
            Assert.Equal(bytes.Length, result.Consumed);
            Assert.Equal(Show(v.Value), Show(value));
        }
    }

    [Fact]
    public void Params_split_at_every_offset()
    {
        foreach (var (types, hex) in new[] { (WrpcVectors.KvGetParams, WrpcVectors.KvGetHex), (WrpcVectors.HttpHandleParams, WrpcVectors.HttpGetHelloHex) })
        {
            var bytes = Hex(hex);
            for (var k = 0; k < bytes.Length; k++)
            {
                var partial = WrpcDecoder.TryDecodeValues(bytes.AsSpan(0, k), types, out var none, root: "params");
                Assert.False(partial.IsComplete);
                Assert.Null(none);
                Assert.InRange(partial.MinimumLength, k + 1, bytes.Length);
                var sequence = Sequence(bytes[..k], bytes[k..]);
                Assert.True(WrpcDecoder.TryDecodeValues(sequence, types, out var values, root: "params").IsComplete);
                Assert.Equal(types.Length, values!.Length);
            }
        }
    }

    [Fact]
    public void A_byte_stream_of_several_values_read_one_byte_at_a_time()
    {
        // The sync params of an HTTP request, then (on its path) a body of two chunks and the end marker.
        var stream = Hex(WrpcVectors.HttpGetHelloHex + " 02 68 69 03 21 21 21 00");
        var reader = new WrpcValueReader();
        var got = new List<string>();
        var stage = 0;
        var index = 0;
        foreach (var b in stream)
        {
            reader.Append([b]);
            while (true)
            {
                if (stage == 0)
                {
                    if (!reader.TryReadValues(WrpcVectors.HttpHandleParams, out var values, out var pending, "params")) break;
                    got.Add($"request, pending {string.Join(" ", pending.Select(p => p.Path))}");
                    stage = 1;
                }
                else
                {
                    if (!reader.TryReadStreamChunk(WitType.U8, new WrpcPath(0, 0), index, out var chunk, out _)) break;
                    var n = ((WitBytes)chunk!).Value.Length;
                    got.Add(n == 0 ? "end" : Show(chunk));
                    index += n;
                }
            }
        }
        reader.End();
        Assert.True(reader.IsFinished);
        Assert.Equal(["request, pending 0.0 0.1", "bytes[6869]", "bytes[212121]", "end"], got);
    }

    [Fact]
    public void A_megabyte_blob_in_a_thousand_chunks()
    {
        var type = new ListType(WitType.U8);
        var blob = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        var bytes = Encode(type, Bytes(blob));
        var reader = new WrpcValueReader();
        WitValue? value = null;
        var completedAt = -1;
        for (var offset = 0; offset < bytes.Length; offset += 1049)
        {
            reader.Append(bytes.AsSpan(offset, Math.Min(1049, bytes.Length - offset)));
            if (reader.TryRead(type, out value, out _)) completedAt = offset;
        }
        Assert.True(completedAt > bytes.Length - 1049 - 1);
        Assert.True(blob.AsSpan().SequenceEqual(((WitBytes)value!).Value.Span));
    }

    [Fact]
    public void The_minimum_length_of_a_partial_string_is_its_whole_length()
    {
        var result = WrpcDecoder.TryDecode(Hex("05 68"), WitType.String, out _);
        Assert.Equal(6, result.MinimumLength);
        // A list count is checked against the smallest element: 3 × f64 needs 24 bytes after the count.
        Assert.Equal(25, WrpcDecoder.TryDecode(Hex("03"), new ListType(WitType.F64), out _).MinimumLength);
    }

    [Fact]
    public void A_stream_that_ends_inside_a_value_is_an_error_with_the_offset()
    {
        var reader = new WrpcValueReader();
        reader.Append(Hex("00 05 68 65"));
        Assert.True(reader.TryRead(WitType.Bool, out _, out _));
        Assert.False(reader.TryRead(WitType.String, out _, out _));
        reader.End();
        var e = Assert.Throws<WrpcDecodeException>(() => reader.TryRead(WitType.String, out _, out _, "results"));
        Assert.Equal("results: the stream ended 3 byte(s) into the value (it needs at least 6) (at byte 4)", e.Message);

        var empty = new WrpcValueReader();
        empty.End();
        Assert.Equal("values: the stream ended before the value (at byte 0)",
            Assert.Throws<WrpcDecodeException>(() => empty.TryReadValues([WitType.U32], out _, out _)).Message);
    }

    [Fact]
    public void Errors_in_later_values_report_offsets_in_the_whole_stream()
    {
        var reader = new WrpcValueReader();
        reader.Append(Hex("01 2a 02"));
        Assert.True(reader.TryRead(new OptionType(WitType.U32), out _, out _));
        var e = Assert.Throws<WrpcDecodeException>(() => reader.TryRead(WitType.Bool, out _, out _));
        Assert.Equal(2, e.Offset);
    }

    private static ReadOnlySequence<byte> Sequence(byte[] first, byte[] second)
    {
        var a = new Segment(first, 0);
        var b = a.Append(second);
        return new ReadOnlySequence<byte>(a, 0, b, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
