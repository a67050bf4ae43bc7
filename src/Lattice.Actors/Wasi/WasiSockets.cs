// wasi:sockets: linkable, and denied.
//
// Components built by wasi-libc or Rust std import sockets even when they never open one, so the
// interfaces must exist for them to link. Network access is a capability the lattice grants through
// providers (wasi:http, messaging...), never raw sockets, so every operation that can fail reports
// `access-denied`. Socket resources can therefore never be created; their methods are defined only
// because linking needs them, and answer as a socket nobody may use would.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

public static class WasiSockets
{
    public static readonly HostResourceType NetworkType = new("network");
    public static readonly HostResourceType TcpSocketType = new("tcp-socket");
    public static readonly HostResourceType UdpSocketType = new("udp-socket");
    public static readonly HostResourceType IncomingDatagramStreamType = new("incoming-datagram-stream");
    public static readonly HostResourceType OutgoingDatagramStreamType = new("outgoing-datagram-stream");
    public static readonly HostResourceType ResolveAddressStreamType = new("resolve-address-stream");

    private static readonly WitValue Denied = WitValue.Err(WitValue.Enum("access-denied"));

    /// <summary>The network an instance gets: a token that grants nothing.</summary>
    private sealed class DeniedNetwork;

    internal static void Define(ComponentLinker linker)
    {
        linker.Instance(WasiHost.Interface("sockets", "network")).Resource("network", NetworkType);
        linker.Instance(WasiHost.Interface("sockets", "instance-network"))
            .Func("instance-network", (call, _) => call.Resources.Own(NetworkType, new DeniedNetwork()));

        var lookup = linker.Instance(WasiHost.Interface("sockets", "ip-name-lookup"));
        lookup.Resource("resolve-address-stream", ResolveAddressStreamType);
        lookup.Func("resolve-addresses", (_, _) => Denied);
        DenyMethods(lookup, "resolve-address-stream", ["resolve-next-address"]);

        var tcp = linker.Instance(WasiHost.Interface("sockets", "tcp"));
        tcp.Resource("tcp-socket", TcpSocketType);
        DenyMethods(tcp, "tcp-socket",
        [
            "start-bind", "finish-bind", "start-connect", "finish-connect", "start-listen", "finish-listen", "accept",
            "local-address", "remote-address", "set-listen-backlog-size", "keep-alive-enabled", "set-keep-alive-enabled",
            "keep-alive-idle-time", "set-keep-alive-idle-time", "keep-alive-interval", "set-keep-alive-interval",
            "keep-alive-count", "set-keep-alive-count", "hop-limit", "set-hop-limit", "receive-buffer-size",
            "set-receive-buffer-size", "send-buffer-size", "set-send-buffer-size", "shutdown",
        ]);
        tcp.Func("[method]tcp-socket.is-listening", (_, _) => WitValue.Bool(false));
        tcp.Func("[method]tcp-socket.address-family", (_, _) => WitValue.Enum("ipv4"));
        linker.Instance(WasiHost.Interface("sockets", "tcp-create-socket")).Func("create-tcp-socket", (_, _) => Denied);

        var udp = linker.Instance(WasiHost.Interface("sockets", "udp"));
        udp.Resource("udp-socket", UdpSocketType);
        udp.Resource("incoming-datagram-stream", IncomingDatagramStreamType);
        udp.Resource("outgoing-datagram-stream", OutgoingDatagramStreamType);
        DenyMethods(udp, "udp-socket",
        [
            "start-bind", "finish-bind", "stream", "local-address", "remote-address", "unicast-hop-limit",
            "set-unicast-hop-limit", "receive-buffer-size", "set-receive-buffer-size", "send-buffer-size", "set-send-buffer-size",
        ]);
        udp.Func("[method]udp-socket.address-family", (_, _) => WitValue.Enum("ipv4"));
        DenyMethods(udp, "incoming-datagram-stream", ["receive"]);
        DenyMethods(udp, "outgoing-datagram-stream", ["check-send", "send"]);
        linker.Instance(WasiHost.Interface("sockets", "udp-create-socket")).Func("create-udp-socket", (_, _) => Denied);
    }

    /// <summary>Defines the result-returning methods of <paramref name="resource"/> as denied, and its subscribe as always ready.</summary>
    private static void DenyMethods(LinkerInstance iface, string resource, string[] methods)
    {
        foreach (var m in methods) iface.Func($"[method]{resource}.{m}", (_, _) => Denied);
        iface.Func($"[method]{resource}.subscribe", (call, _) => WasiPoll.Own(call.Resources, new ReadyPollable()));
    }
}
