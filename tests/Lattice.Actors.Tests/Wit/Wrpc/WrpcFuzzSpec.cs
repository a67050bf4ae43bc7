using System.Text;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using Xunit.Abstractions;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>
/// Deterministic fuzzing (seeded): random and mutated frames for a set of types. The decoder may only
/// decode, ask for more, or throw WrpcDecodeException; a decoded value re-encodes to exactly the bytes
/// it came from; every prefix of a decoded value asks for more; and allocation stays proportional to
/// the input, whatever lengths the bytes claim.
/// </summary>
public class WrpcFuzzSpec(ITestOutputHelper output)
{
    private const int Frames = 120_000;

    private static readonly AsyncValueType FutureU32 = new(WitKind.Future, WitType.U32);
    private static readonly FlagsType Flags70 = new(Enumerable.Range(0, 70).Select(i => $"f{i}").ToList());

    private static readonly WitType[] Types =
    [
        KvGetResult,
        HandleResult,
        WrpcTestKit.Request,
        KeyResponse,
        new ListType(new ListType(WitType.String)),
        new TupleType([WitType.S16, WitType.S32, WitType.S64, WitType.U16, WitType.U64, WitType.F32, WitType.F64, WitType.Char, WitType.Bool, WitType.S8]),
        new OptionType(new OptionType(new OptionType(WitType.U32))),
        new RecordType([new("flags", Flags70), new("small", new FlagsType(["a", "b", "c"])), new("color", new EnumType(Enumerable.Range(0, 200).Select(i => $"e{i}").ToList()))]),
        new ListType(new OptionType(WitType.S64)),
        new AsyncValueType(WitKind.Stream, FutureU32),
        new TupleType([new HandleType(WitKind.Own, "r", 1), new HandleType(WitKind.Borrow, "r", 1), new AsyncValueType(WitKind.Future, null)]),
        new ListType(new VariantType([new("a", null), new("b", WitType.String), new("c", new ListType(WitType.U8)), new("d", new ResultType(null, WitType.Char))])),
    ];

    [Fact]
    public void Random_and_mutated_frames_never_escape_the_decoders_contract()
    {
        var rnd = new Random(20260822);
        var options = new WrpcOptions { MaxValueBytes = 1 << 20 };
        int complete = 0, incomplete = 0, rejected = 0;
        // One-time costs (static setup, the first exception thrown) must not count against a frame.
        foreach (var t in Types)
        {
            WrpcDecoder.TryDecode(Encode(t, RandomValue(rnd, t, 0)), t, out _, options);
            try { WrpcDecoder.TryDecode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], t, out _, options); }
            catch (WrpcDecodeException) { }
        }
        for (var frame = 0; frame < Frames; frame++)
        {
            var type = Types[frame % Types.Length];
            var bytes = rnd.Next(4) == 0 ? RandomBytes(rnd) : Mutate(rnd, Encode(type, RandomValue(rnd, type, 0)));
            var context = $"frame {frame}, type #{frame % Types.Length}: {Hex(bytes)}";
            try
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var result = WrpcDecoder.TryDecode(bytes, type, out var value, options);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated <= 16 * 1024 + 256L * bytes.Length, $"{context}: allocated {allocated} bytes");
                if (result.IsComplete)
                {
                    complete++;
                    Assert.InRange(result.Consumed, 0, bytes.Length);
                    var again = Encode(type, value!);
                    if (!again.AsSpan().SequenceEqual(bytes.AsSpan(0, result.Consumed)))
                        Assert.Fail($"{context}: decoded {Show(value)}, which re-encodes as {Hex(again)}");
                    var k = rnd.Next(result.Consumed);
                    var prefix = WrpcDecoder.TryDecode(bytes.AsSpan(0, k), type, out _, options);
                    Assert.False(prefix.IsComplete, $"{context}: prefix {k} decoded");
                    Assert.InRange(prefix.MinimumLength, k + 1, result.Consumed);
                }
                else
                {
                    incomplete++;
                    Assert.True(result.MinimumLength > bytes.Length, context);
                }
            }
            catch (WrpcDecodeException e)
            {
                rejected++;
                Assert.DoesNotContain('\n', e.Message);
                Assert.InRange(e.Offset, 0, bytes.Length);
            }
        }
        output.WriteLine($"{Frames} frames: {complete} decoded, {incomplete} incomplete, {rejected} rejected");
        // The fuzzer must exercise all three outcomes, or it proves little.
        Assert.True(complete > Frames / 20, $"{complete} complete");
        Assert.True(incomplete > Frames / 20, $"{incomplete} incomplete");
        Assert.True(rejected > Frames / 20, $"{rejected} rejected");
    }

    [Fact]
    public void Random_bytes_for_a_big_record_type_are_decoded_or_rejected_never_crash()
    {
        var rnd = new Random(7);
        var type = WrpcTestKit.Request;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[rnd.Next(1, 200)];
            rnd.NextBytes(bytes);
            // Bias towards small numbers so that lengths and tags are often plausible.
            for (var j = 0; j < bytes.Length; j++) if (rnd.Next(2) == 0) bytes[j] &= 0x07;
            try
            {
                var reader = new WrpcValueReader(new WrpcOptions { MaxValueBytes = 4096 });
                foreach (var chunk in bytes.Chunk(rnd.Next(1, 8))) reader.Append(chunk);
                reader.End();
                if (reader.TryRead(type, out var value, out _))
                    Assert.True(Encode(type, value!).AsSpan().SequenceEqual(bytes.AsSpan(0, (int)reader.Position)));
            }
            catch (WrpcDecodeException) { }
        }
    }

    private static byte[] RandomBytes(Random rnd)
    {
        var bytes = new byte[rnd.Next(0, 48)];
        rnd.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random rnd, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        var mutations = rnd.Next(0, 4); // sometimes none: valid frames must decode
        for (var m = 0; m < mutations; m++)
        {
            var at = bytes.Count == 0 ? 0 : rnd.Next(bytes.Count);
            switch (rnd.Next(8))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << rnd.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = (byte)rnd.Next(256); break;
                case 2 when bytes.Count > 0: bytes[at] = new byte[] { 0x00, 0x01, 0x7f, 0x80, 0xff }[rnd.Next(5)]; break;
                case 3: bytes.Insert(at, (byte)rnd.Next(256)); break;
                case 4 when bytes.Count > 0: bytes.RemoveAt(at); break;
                case 5: bytes.RemoveRange(at, bytes.Count - at); break;
                case 6 when bytes.Count > 0: bytes.InsertRange(at, bytes.GetRange(at, rnd.Next(bytes.Count - at))); break;
                default: bytes.Add((byte)rnd.Next(256)); break;
            }
        }
        return bytes.ToArray();
    }

    private static WitValue RandomValue(Random rnd, WitType type, int depth)
    {
        int Count(int max) => depth > 3 ? 0 : rnd.Next(max);
        switch (type)
        {
            case PrimitiveType p:
                return p.Kind switch
                {
                    WitKind.Bool => WitValue.Bool(rnd.Next(2) == 1),
                    WitKind.U8 => WitValue.U8((byte)rnd.Next(256)),
                    WitKind.S8 => WitValue.S8((sbyte)rnd.Next(-128, 128)),
                    WitKind.U16 => WitValue.U16((ushort)rnd.Next(65536)),
                    WitKind.S16 => WitValue.S16((short)rnd.Next(-32768, 32768)),
                    WitKind.U32 => WitValue.U32((uint)rnd.NextInt64(0, 1L << 32) >> rnd.Next(32)),
                    WitKind.S64 => WitValue.S64(rnd.NextInt64(long.MinValue, long.MaxValue) >> rnd.Next(64)),
                    WitKind.S32 => WitValue.S32(rnd.Next(int.MinValue, int.MaxValue) >> rnd.Next(32)),
                    WitKind.U64 => WitValue.U64((ulong)rnd.NextInt64(long.MinValue, long.MaxValue) >> rnd.Next(64)),
                    WitKind.F32 => new WitPrimitive(WitKind.F32, (uint)rnd.NextInt64(0, 1L << 32)),
                    WitKind.F64 => new WitPrimitive(WitKind.F64, (ulong)rnd.NextInt64(long.MinValue, long.MaxValue)),
                    WitKind.Char => WitValue.Char(RandomRune(rnd)),
                    WitKind.String => Str(RandomString(rnd, Count(12))),
                    _ => throw new NotSupportedException(type.ToString()),
                };
            case ListType l when l.Element.Kind == WitKind.U8:
            {
                var b = new byte[Count(10)];
                rnd.NextBytes(b);
                return WitValue.Bytes(b);
            }
            case ListType l:
                return WitValue.List(Enumerable.Range(0, Count(5)).Select(_ => RandomValue(rnd, l.Element, depth + 1)).ToList());
            case RecordType r:
                return WitValue.Record(r.Fields.Select(f => (f.Name, RandomValue(rnd, f.Type, depth + 1))).ToArray());
            case TupleType t:
                return WitValue.Tuple(t.Types.Select(x => RandomValue(rnd, x, depth + 1)).ToArray());
            case VariantType v:
            {
                var c = v.Cases[rnd.Next(v.Cases.Count)];
                return WitValue.Variant(c.Name, c.Payload is null ? null : RandomValue(rnd, c.Payload, depth + 1));
            }
            case EnumType e:
                return WitValue.Enum(e.Names[rnd.Next(e.Names.Count)]);
            case FlagsType f:
                return WitValue.Flags(f.Names.Where(_ => rnd.Next(3) == 0).ToArray());
            case OptionType o:
                return rnd.Next(2) == 0 ? WitValue.None : WitValue.Some(RandomValue(rnd, o.Inner, depth + 1));
            case ResultType res:
            {
                var ok = rnd.Next(2) == 0;
                var payload = ok ? res.Ok : res.Err;
                var value = payload is null ? null : RandomValue(rnd, payload, depth + 1);
                return ok ? WitValue.Ok(value) : WitValue.Err(value);
            }
            case HandleType h:
            {
                var b = new byte[rnd.Next(2) == 0 ? 16 : rnd.Next(4)];
                rnd.NextBytes(b);
                return new WrpcHandle(b, h.Kind == WitKind.Own);
            }
            case AsyncValueType { Kind: WitKind.Future } f:
                return rnd.Next(2) == 0 ? WrpcFuture.Pending() : WrpcFuture.Ready(f.Element is null ? null : RandomValue(rnd, f.Element, depth + 1));
            case AsyncValueType s:
            {
                var items = RandomValue(rnd, new ListType(s.Element!), depth);
                var count = items is WitBytes b ? b.Value.Length : ((WitList)items).Items.Count;
                return count == 0 ? WrpcStream.Pending() : WrpcStream.Ready(items);
            }
            default:
                throw new NotSupportedException(type.ToString());
        }
    }

    private static Rune RandomRune(Random rnd)
    {
        while (true)
        {
            var cp = rnd.Next(4) switch { 0 => rnd.Next(0x80), 1 => rnd.Next(0x800), 2 => rnd.Next(0x10000), _ => rnd.Next(0x110000) };
            if (Rune.IsValid(cp)) return new Rune(cp);
        }
    }

    private static string RandomString(Random rnd, int runes)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < runes; i++) sb.Append(RandomRune(rnd).ToString());
        return sb.ToString();
    }
}
