// The requests between a component's blobstore binding and the provider's backend.
//
// Every request is small, because a provider may run on another host and each request is one Akka
// remoting message (whose default frame limit is 128 000 bytes): object data moves in chunks of
// at most ChunkSize, listings in pages of at most PageBytes. A write is a session (begin, chunks at
// increasing offsets, commit or abort), a read is a series of ranges checked against the
// object's version stamp, so an object of any size is never one message.
//
//   operation          args                                 number        answer
//   create-container   [container]                                        Number = created-at
//   get-container      [container]                                        Number = created-at (error if missing)
//   delete-container   [container]
//   container-exists   [container]                                        Found
//   clear              [container]
//   list-objects       [container, after]                                 Items (names > after, sorted), Found = more
//   has-object         [container, object]                                Found
//   object-info        [container, object]                                Number = size, Items = [created-at]
//   delete-objects     [container, object...]
//   copy-object        [src container, src object, dest container, dest object]
//   move-object        [src container, src object, dest container, dest object]
//   read               [container, object, length, stamp|""]  offset      Payload, Number = object size, Items = [stamp]
//   write-begin        [container, object]                                Items = [session]
//   write-chunk        [session]                              offset      (Payload = the chunk)
//   write-commit       [session]                              total size
//   write-abort        [session]
namespace Lattice.Providers.Blobstore;

public static class BlobProtocol
{
    /// <summary>The most object bytes in one request or answer.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The most name characters in one listing page or delete request.</summary>
    public const int PageBytes = 32 * 1024;

    /// <summary>The most names in one listing page.</summary>
    public const int PageNames = 1000;

    public const string CreateContainer = "create-container";
    public const string GetContainer = "get-container";
    public const string DeleteContainer = "delete-container";
    public const string ContainerExists = "container-exists";
    public const string Clear = "clear";
    public const string ListObjects = "list-objects";
    public const string HasObject = "has-object";
    public const string ObjectInfo = "object-info";
    public const string DeleteObjects = "delete-objects";
    public const string CopyObject = "copy-object";
    public const string MoveObject = "move-object";
    public const string Read = "read";
    public const string WriteBegin = "write-begin";
    public const string WriteChunk = "write-chunk";
    public const string WriteCommit = "write-commit";
    public const string WriteAbort = "write-abort";
}
