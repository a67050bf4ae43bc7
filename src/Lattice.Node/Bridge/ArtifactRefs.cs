// What a wasmCloud image reference means here. Components run from the lattice's artifact store
// (content-addressed by sha256, shared by every host), so:
//   file:///abs/path.wasm   the file is read on this host and stored; the component runs by its sha
//   sha256:<64 hex>         an artifact already in the store (our own form; `get inventory` shows it
//                           for components started without a wasmCloud reference)
//   anything else           an OCI reference (wasmCloud reads http(s):// and bare names as OCI too):
//                           refused, this host has no registry client
// Providers are our built-in kinds: wasmcloud+builtin://KIND, or a wasmCloud first-party provider
// image (ghcr.io/wasmcloud/http-server:0.27.0) whose name is one of our kinds; native provider
// binaries (file:// PARs) and other images are refused with the kinds we do run.
using System.Text.RegularExpressions;
using Lattice.Actors;
using Lattice.Actors.Providers;

namespace Lattice.Node.Bridge;

internal static partial class ArtifactRefs
{
    public const string ShaPrefix = "sha256:";

    /// <summary>The largest component a file:// reference may name (the admin API's upload limit).</summary>
    public const long MaxComponentBytes = 256L * 1024 * 1024;

    private static readonly byte[] ComponentHeader = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

    /// <summary>The ref our inventory shows for an artifact nobody gave a wasmCloud reference for.</summary>
    public static string ForSha(string sha256) => ShaPrefix + sha256;

    /// <summary>
    /// Stores the component <paramref name="imageRef"/> names in the artifact store (if it is not
    /// there yet) and returns its sha256; throws <see cref="CtlRequestException"/> with the reason otherwise.
    /// </summary>
    public static async Task<string> ResolveComponentAsync(string imageRef, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(imageRef)) throw new CtlRequestException("a component reference is required (file:///path/to/component.wasm or sha256:<hex>)");
        if (imageRef.StartsWith(ShaPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var sha = imageRef[ShaPrefix.Length..].ToLowerInvariant();
            if (!Sha256().IsMatch(sha)) throw new CtlRequestException($"'{imageRef}' is not sha256: followed by 64 hex characters");
            if (await artifacts.GetAsync(sha, cancellationToken) is null)
                throw new CtlRequestException($"no artifact {sha} in this lattice (start the component once from its file)");
            return sha;
        }
        if (imageRef.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            var path = FilePath(imageRef);
            byte[] bytes;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists) throw new CtlRequestException($"failed to read component {imageRef}: no such file on host (the path is read on the host that handles the request)");
                if (info.Length > MaxComponentBytes) throw new CtlRequestException($"component {imageRef} is larger than {MaxComponentBytes} bytes");
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CtlRequestException($"failed to read component {imageRef}: {e.Message}");
            }
            if (!bytes.AsSpan().StartsWith(ComponentHeader))
                throw new CtlRequestException($"{imageRef} is not a WebAssembly component (a core module or another file)");
            return await artifacts.PutAsync(bytes, cancellationToken);
        }
        throw OciRefused(imageRef);
    }

    private static CtlRequestException OciRefused(string imageRef) =>
        new($"cannot fetch OCI reference '{imageRef}': this host has no OCI registry client; use file:///path/to/component.wasm or sha256:<hex> of an artifact in the lattice");

    /// <summary>The checks of <see cref="ResolveComponentAsync"/> that need no reading: the form of the reference, and that a file exists.</summary>
    public static void CheckComponent(string imageRef)
    {
        if (string.IsNullOrWhiteSpace(imageRef)) throw new CtlRequestException("a component reference is required (file:///path/to/component.wasm or sha256:<hex>)");
        if (imageRef.StartsWith(ShaPrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (!Sha256().IsMatch(imageRef[ShaPrefix.Length..].ToLowerInvariant())) throw new CtlRequestException($"'{imageRef}' is not sha256: followed by 64 hex characters");
            return;
        }
        if (imageRef.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(FilePath(imageRef))) throw new CtlRequestException($"failed to read component {imageRef}: no such file on host (the path is read on the host that handles the request)");
            return;
        }
        throw OciRefused(imageRef);
    }

    /// <summary>The sha256 of what a file:// or sha256: reference names, without storing it; null when that cannot be known here.</summary>
    public static async Task<string?> ShaOfAsync(string imageRef, CancellationToken cancellationToken)
    {
        if (imageRef.StartsWith(ShaPrefix, StringComparison.OrdinalIgnoreCase)) return imageRef[ShaPrefix.Length..].ToLowerInvariant();
        if (!imageRef.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var info = new FileInfo(FilePath(imageRef));
            if (!info.Exists || info.Length > MaxComponentBytes) return null;
            await using var file = info.OpenRead();
            return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CtlRequestException) { return null; }
    }

    /// <summary>The built-in provider kind <paramref name="providerRef"/> stands for; throws <see cref="CtlRequestException"/> otherwise.</summary>
    public static string ProviderKind(string providerRef, ProviderCatalog catalog)
    {
        var kinds = string.Join(", ", catalog.All.Select(p => p.Kind));
        if (string.IsNullOrWhiteSpace(providerRef)) throw new CtlRequestException($"a provider reference is required (wasmcloud+builtin://KIND; kinds: {kinds})");
        const string builtin = "wasmcloud+builtin://";
        if (providerRef.StartsWith(builtin, StringComparison.OrdinalIgnoreCase))
        {
            var name = providerRef[builtin.Length..];
            return catalog.ByKind(name)?.Kind ?? throw new CtlRequestException($"no built-in provider '{name}' on this host (kinds: {kinds})");
        }
        if (providerRef.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            throw new CtlRequestException($"cannot start provider {providerRef}: this host runs built-in providers only, not provider archives (use wasmcloud+builtin://KIND; kinds: {kinds})");
        if (FirstPartyName(providerRef) is { } first && catalog.ByKind(first) is { } p) return p.Kind;
        throw new CtlRequestException(
            $"cannot fetch OCI reference '{providerRef}': this host has no OCI registry client and runs built-in providers only (use wasmcloud+builtin://KIND; kinds: {kinds})");
    }

    /// <summary>The ref a provider of <paramref name="kind"/> is shown with when nobody gave one.</summary>
    public static string ForKind(string kind) => "wasmcloud+builtin://" + kind;

    /// <summary>"http-server" for ghcr.io/wasmcloud/http-server:0.27.0 (or an @sha256 digest); null for other publishers.</summary>
    private static string? FirstPartyName(string reference)
    {
        var r = reference;
        foreach (var scheme in (string[])["oci://", "https://", "http://"])
            if (r.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) r = r[scheme.Length..];
        var at = r.IndexOf('@');
        if (at >= 0) r = r[..at];
        var segments = r.Split('/');
        if (segments.Length < 2) return null;
        var last = segments[^1];
        var colon = last.IndexOf(':');
        if (colon >= 0) last = last[..colon];
        var firstParty = segments[^2].Equals("wasmcloud", StringComparison.OrdinalIgnoreCase)
                         || segments[0].Equals("wasmcloud.azurecr.io", StringComparison.OrdinalIgnoreCase);
        return firstParty ? last : null;
    }

    private static string FilePath(string fileUrl)
    {
        if (!Uri.TryCreate(fileUrl, UriKind.Absolute, out var uri) || !uri.IsFile || !Path.IsPathRooted(uri.LocalPath))
            throw new CtlRequestException($"'{fileUrl}' is not a file:// URL with an absolute path");
        return uri.LocalPath;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
