using Lattice.Wit;

namespace Lattice.Node.Tests.Bridge;

/// <summary>Reading a <c>result&lt;T, string&gt;</c> a component returned, as the external-provider specs check them.</summary>
internal static class StringResults
{
    public static WitValue? Ok(WitValue result)
    {
        var r = Assert.IsType<WitResult>(result);
        Assert.True(r.IsOk, r.Payload?.ToString());
        return r.Payload;
    }

    public static string Err(WitValue result)
    {
        var r = Assert.IsType<WitResult>(result);
        Assert.False(r.IsOk, "expected an error");
        return r.Payload!.AsString();
    }
}
