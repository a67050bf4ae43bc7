// The position of an async value inside a function's params or results, as wRPC names NATS subjects
// after it (`Rs.params.0.1`): the first element is the param/result index, then a record field or
// tuple member index, or a list/stream element index. option, result and variant add nothing, and
// neither does a future (its value's own async parts continue the future's path). A pattern uses
// `*` (Any) for "every element", which is what a receiver subscribes to before the handshake.
namespace Lattice.Wit.Wrpc;

public sealed class WrpcPath : IEquatable<WrpcPath>
{
    public const int Any = -1;

    private readonly int[] _elements;

    public static readonly WrpcPath Root = new([]);

    public WrpcPath(params int[] elements)
    {
        foreach (var e in elements) if (e < Any) throw new ArgumentOutOfRangeException(nameof(elements), "path elements are indexes or Any");
        _elements = (int[])elements.Clone();
    }

    private WrpcPath(int[] elements, bool _) => _elements = elements;

    public int Count => _elements.Length;

    public int this[int index] => _elements[index];

    public bool IsPattern => Array.IndexOf(_elements, Any) >= 0;

    public WrpcPath Append(int index)
    {
        var e = new int[_elements.Length + 1];
        _elements.CopyTo(e, 0);
        e[^1] = index;
        return new WrpcPath(e, false);
    }

    internal static WrpcPath Of(ReadOnlySpan<int> elements) => new(elements.ToArray(), false);

    internal WrpcPath Prepend(int index)
    {
        var e = new int[_elements.Length + 1];
        e[0] = index;
        _elements.CopyTo(e, 1);
        return new WrpcPath(e, false);
    }

    /// <summary>True when <paramref name="path"/> is this path, reading <c>*</c> here as any index.</summary>
    public bool Matches(WrpcPath path)
    {
        if (path.Count != Count) return false;
        for (var i = 0; i < Count; i++)
            if (_elements[i] != Any && _elements[i] != path._elements[i]) return false;
        return true;
    }

    /// <summary>The subject suffix, e.g. <c>0.1</c> or <c>0.*</c>; empty for the root.</summary>
    public override string ToString() => string.Join('.', _elements.Select(e => e == Any ? "*" : e.ToString()));

    public bool Equals(WrpcPath? other) => other is not null && _elements.AsSpan().SequenceEqual(other._elements);

    public override bool Equals(object? obj) => Equals(obj as WrpcPath);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _elements) h.Add(e);
        return h.ToHashCode();
    }
}
