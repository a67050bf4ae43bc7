;; http-counter.wat -- a visit counter: wasi:http in, wasi:keyvalue out.
;; Exports `wasi:http/incoming-handler@0.2.0`. Every request, whatever its
;; method or path:
;;   bucket = wasi:keyvalue/store.open("default")
;;   n = wasi:keyvalue/atomics.increment(bucket, "visits", 1); drop bucket
;;   -> 200, content-type: text/plain, body "visits: <n>\n"
;; A key-value error (from open or increment) becomes
;;   -> 500, content-type: text/plain, body "<error text>\n"
;; where the text is the string of `other(s)`, or the case name
;; ("no-such-store", "access-denied").
;; Imports: wasi:io/error, wasi:io/streams and wasi:http/types as http-hello
;; does, plus outgoing-response.set-status-code; `open` and the bucket
;; resource of `wasi:keyvalue/store@0.2.0-draft`; `increment` of
;; `wasi:keyvalue/atomics@0.2.0-draft` (which `use`s store's bucket and error).
;; Link the two keyvalue imports to a keyvalue provider; the bucket name the
;; provider sees is "default".
;;
;; Memory layout:
;;   [16, 40)   http import return area (8-aligned), as in http-hello:
;;              from-list {disc@0, handle@4 | error@4}; body/write {disc@0, handle@4};
;;              blocking-write-and-flush {disc@0, stream-error {tag@4, own<error>@8}};
;;              finish {disc@0, error-code@8} (ignored)
;;   [48, 72)   keyvalue import return area (8-aligned):
;;              open      result<own<bucket>, error>: {disc@0, handle@4 | error@4}
;;              increment result<u64, error>:         {disc@0, u64@8 | error@8}
;;              where error = {tag:u8@0, other's string ptr@4 len@8}
;;   [128, 140) "content-type"     [144, 154) "text/plain"
;;   [160, 176) the header list for from-list: {name ptr, name len, value ptr, value len}
;;   [192, 205) "no-such-store"    [208, 221) "access-denied"
;;   [224, 231) "default"          [232, 238) "visits"
;;   [240, 248) "visits: "         [248, 249) "\n"
;;   [256, 320) the 200 body, built backwards from its end at 320
;;   [1024, ..) bump heap served by `cabi_realloc` (error strings the host
;;              lowers); reset at the start of every request.
(component $http-counter
  (type $io-error-type (instance
    (export "error" (type (sub resource)))
  ))
  (import "wasi:io/error@0.2.0" (instance $io-error (type $io-error-type)))
  (alias export $io-error "error" (type $io-err))

  (type $streams-type (instance
    (export "output-stream" (type $output-stream (sub resource)))
    (alias outer $http-counter $io-err (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (type $stream-error-def (variant (case "last-operation-failed" (own $error)) (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-def)))
    (export "[method]output-stream.blocking-write-and-flush" (func
      (param "self" (borrow $output-stream)) (param "contents" (list u8))
      (result (result (error $stream-error)))))
  ))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $streams-type)))
  (alias export $streams "output-stream" (type $output-stream))
  (alias export $streams "[method]output-stream.blocking-write-and-flush" (func $write-and-flush))

  (type $http-types-type (instance
    (export "fields" (type $fields (sub resource)))
    (type $field-key-def string)
    (export "field-key" (type $field-key (eq $field-key-def)))
    (type $field-value-def (list u8))
    (export "field-value" (type $field-value (eq $field-value-def)))
    (type $header-error-def (variant (case "invalid-syntax") (case "forbidden") (case "immutable")))
    (export "header-error" (type $header-error (eq $header-error-def)))
    (export "headers" (type $headers (eq $fields)))
    (export "trailers" (type $trailers (eq $fields)))
    (type $status-code-def u16)
    (export "status-code" (type $status-code (eq $status-code-def)))
    (export "incoming-request" (type $incoming-request (sub resource)))
    (export "response-outparam" (type $response-outparam (sub resource)))
    (export "outgoing-response" (type $outgoing-response (sub resource)))
    (export "outgoing-body" (type $outgoing-body (sub resource)))
    (alias outer $http-counter $output-stream (type $output-stream-outer))
    (export "output-stream" (type $output-stream (eq $output-stream-outer)))
    ;; error-code and the records it carries, exactly as wasi:http@0.2.0 has them
    ;; (response-outparam.set and outgoing-body.finish name it).
    (type $dns-error-payload-def (record (field "rcode" (option string)) (field "info-code" (option u16))))
    (export "DNS-error-payload" (type $dns-error-payload (eq $dns-error-payload-def)))
    (type $tls-alert-payload-def (record (field "alert-id" (option u8)) (field "alert-message" (option string))))
    (export "TLS-alert-received-payload" (type $tls-alert-payload (eq $tls-alert-payload-def)))
    (type $field-size-payload-def (record (field "field-name" (option string)) (field "field-size" (option u32))))
    (export "field-size-payload" (type $field-size-payload (eq $field-size-payload-def)))
    (type $error-code-def (variant
      (case "DNS-timeout") (case "DNS-error" $dns-error-payload)
      (case "destination-not-found") (case "destination-unavailable")
      (case "destination-IP-prohibited") (case "destination-IP-unroutable")
      (case "connection-refused") (case "connection-terminated") (case "connection-timeout")
      (case "connection-read-timeout") (case "connection-write-timeout") (case "connection-limit-reached")
      (case "TLS-protocol-error") (case "TLS-certificate-error") (case "TLS-alert-received" $tls-alert-payload)
      (case "HTTP-request-denied") (case "HTTP-request-length-required")
      (case "HTTP-request-body-size" (option u64))
      (case "HTTP-request-method-invalid") (case "HTTP-request-URI-invalid") (case "HTTP-request-URI-too-long")
      (case "HTTP-request-header-section-size" (option u32))
      (case "HTTP-request-header-size" (option $field-size-payload))
      (case "HTTP-request-trailer-section-size" (option u32))
      (case "HTTP-request-trailer-size" $field-size-payload)
      (case "HTTP-response-incomplete")
      (case "HTTP-response-header-section-size" (option u32))
      (case "HTTP-response-header-size" $field-size-payload)
      (case "HTTP-response-body-size" (option u64))
      (case "HTTP-response-trailer-section-size" (option u32))
      (case "HTTP-response-trailer-size" $field-size-payload)
      (case "HTTP-response-transfer-coding" (option string))
      (case "HTTP-response-content-coding" (option string))
      (case "HTTP-response-timeout") (case "HTTP-upgrade-failed") (case "HTTP-protocol-error")
      (case "loop-detected") (case "configuration-error")
      (case "internal-error" (option string))))
    (export "error-code" (type $error-code (eq $error-code-def)))

    (export "[static]fields.from-list" (func
      (param "entries" (list (tuple $field-key $field-value)))
      (result (result (own $fields) (error $header-error)))))
    (export "[constructor]outgoing-response" (func
      (param "headers" (own $headers)) (result (own $outgoing-response))))
    (export "[method]outgoing-response.set-status-code" (func
      (param "self" (borrow $outgoing-response)) (param "status-code" $status-code) (result (result))))
    (export "[method]outgoing-response.body" (func
      (param "self" (borrow $outgoing-response)) (result (result (own $outgoing-body)))))
    (export "[static]response-outparam.set" (func
      (param "param" (own $response-outparam))
      (param "response" (result (own $outgoing-response) (error $error-code)))))
    (export "[method]outgoing-body.write" (func
      (param "self" (borrow $outgoing-body)) (result (result (own $output-stream)))))
    (export "[static]outgoing-body.finish" (func
      (param "this" (own $outgoing-body)) (param "trailers" (option (own $trailers)))
      (result (result (error $error-code)))))
  ))
  (import "wasi:http/types@0.2.0" (instance $http-types (type $http-types-type)))
  (alias export $http-types "incoming-request" (type $incoming-request))
  (alias export $http-types "response-outparam" (type $response-outparam))
  (alias export $http-types "[static]fields.from-list" (func $fields-from-list))
  (alias export $http-types "[constructor]outgoing-response" (func $response-new))
  (alias export $http-types "[method]outgoing-response.set-status-code" (func $response-set-status))
  (alias export $http-types "[method]outgoing-response.body" (func $response-body))
  (alias export $http-types "[static]response-outparam.set" (func $outparam-set))
  (alias export $http-types "[method]outgoing-body.write" (func $body-write))
  (alias export $http-types "[static]outgoing-body.finish" (func $body-finish))

  (type $store-type (instance
    (export "bucket" (type $bucket (sub resource)))
    (type $error-def (variant (case "no-such-store") (case "access-denied") (case "other" string)))
    (export "error" (type $error (eq $error-def)))
    (export "open" (func (param "identifier" string) (result (result (own $bucket) (error $error)))))
  ))
  (import "wasi:keyvalue/store@0.2.0-draft" (instance $store (type $store-type)))
  (alias export $store "bucket" (type $bucket))
  (alias export $store "error" (type $kv-error))
  (alias export $store "open" (func $open))

  ;; atomics uses the store's bucket and error types (WIT `use`).
  (type $atomics-type (instance
    (alias outer $http-counter $bucket (type $bucket-outer))
    (export "bucket" (type $bucket (eq $bucket-outer)))
    (alias outer $http-counter $kv-error (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (export "increment" (func (param "bucket" (borrow $bucket)) (param "key" string)
      (param "delta" u64) (result (result u64 (error $error)))))
  ))
  (import "wasi:keyvalue/atomics@0.2.0-draft" (instance $atomics (type $atomics-type)))
  (alias export $atomics "increment" (func $increment))

  ;; Core module 1: memory, static data and the allocator, instantiated first
  ;; so the imports can be lowered with its memory and realloc.
  (core module $heap
    (memory (export "memory") 1)
    (data (i32.const 128) "content-type")
    (data (i32.const 144) "text/plain")
    ;; the header list: ("content-type", "text/plain") as {ptr, len, ptr, len}
    (data (i32.const 160) "\80\00\00\00\0c\00\00\00\90\00\00\00\0a\00\00\00")
    (data (i32.const 192) "no-such-store")
    (data (i32.const 208) "access-denied")
    (data (i32.const 224) "default")
    (data (i32.const 232) "visits")
    (data (i32.const 240) "visits: \n")
    (global $heap (mut i32) (i32.const 1024))

    ;; cabi_realloc(old_ptr, old_size, align, new_size) -> ptr  (bump allocator)
    (func (export "cabi_realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
      (result i32)
      (local $ptr i32) (local $end i32) (local $cap i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (local.set $cap (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $cap))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.shr_u
                    (i32.add (i32.sub (local.get $end) (local.get $cap)) (i32.const 65535))
                    (i32.const 16)))
                (i32.const -1))
            (then unreachable))))
      (global.set $heap (local.get $end))
      (if (local.get $old)
        (then
          (memory.copy (local.get $ptr) (local.get $old)
            (select (local.get $old_size) (local.get $new_size)
              (i32.lt_u (local.get $old_size) (local.get $new_size))))))
      (local.get $ptr))

    ;; Nothing outlives a request, so each request starts with an empty heap.
    (func (export "reset")
      (global.set $heap (i32.const 1024)))
  )
  (core instance $heap-inst (instantiate $heap))
  (alias core export $heap-inst "memory" (core memory $mem))
  (alias core export $heap-inst "cabi_realloc" (core func $realloc))
  (alias core export $heap-inst "reset" (core func $reset))

  (core func $write-and-flush-lowered (canon lower (func $write-and-flush) (memory $mem)))
  (core func $fields-from-list-lowered (canon lower (func $fields-from-list) (memory $mem) string-encoding=utf8))
  (core func $response-new-lowered (canon lower (func $response-new)))
  (core func $response-set-status-lowered (canon lower (func $response-set-status)))
  (core func $response-body-lowered (canon lower (func $response-body) (memory $mem)))
  (core func $outparam-set-lowered (canon lower (func $outparam-set) (memory $mem) string-encoding=utf8))
  (core func $body-write-lowered (canon lower (func $body-write) (memory $mem)))
  (core func $body-finish-lowered (canon lower (func $body-finish) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $open-lowered (canon lower (func $open) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $increment-lowered (canon lower (func $increment) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $request-drop (canon resource.drop $incoming-request))
  (core func $stream-drop (canon resource.drop $output-stream))
  (core func $io-error-drop (canon resource.drop $io-err))
  (core func $bucket-drop (canon resource.drop $bucket))

  ;; Core module 2: the handler.
  (core module $m
    (import "env" "memory" (memory 1))
    (import "env" "reset" (func $reset))
    ;; blocking-write-and-flush(stream, ptr, len, retptr)
    (import "env" "write-and-flush" (func $write-and-flush (param i32 i32 i32 i32)))
    ;; from-list(entries ptr, entries len, retptr)
    (import "env" "fields-from-list" (func $fields-from-list (param i32 i32 i32)))
    ;; outgoing-response(headers) -> response
    (import "env" "response-new" (func $response-new (param i32) (result i32)))
    ;; outgoing-response.set-status-code(response, status) -> result disc
    (import "env" "response-set-status" (func $response-set-status (param i32 i32) (result i32)))
    ;; outgoing-response.body(response, retptr)
    (import "env" "response-body" (func $response-body (param i32 i32)))
    ;; response-outparam.set(outparam, result disc, payload...): the result's
    ;; payload is the join of own<outgoing-response> and the flattened error-code
    (import "env" "outparam-set" (func $outparam-set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
    ;; outgoing-body.write(body, retptr)
    (import "env" "body-write" (func $body-write (param i32 i32)))
    ;; outgoing-body.finish(body, option disc, trailers, retptr)
    (import "env" "body-finish" (func $body-finish (param i32 i32 i32 i32)))
    ;; store.open(id ptr, id len, retptr)
    (import "env" "open" (func $open (param i32 i32 i32)))
    ;; atomics.increment(bucket, key ptr, key len, delta, retptr)
    (import "env" "increment" (func $increment (param i32 i32 i32 i64 i32)))
    (import "env" "request-drop" (func $request-drop (param i32)))
    (import "env" "stream-drop" (func $stream-drop (param i32)))
    (import "env" "io-error-drop" (func $io-error-drop (param i32)))
    (import "env" "bucket-drop" (func $bucket-drop (param i32)))

    ;; Writes [ptr, ptr+len) to the stream in chunks of at most 4096 bytes (the
    ;; most blocking-write-and-flush accepts). Stops at the first error: the
    ;; client is gone, and there is no one left to tell.
    (func $write-all (param $stream i32) (param $ptr i32) (param $len i32)
      (local $n i32)
      (block $done
        (loop $more
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $n
            (select (local.get $len) (i32.const 4096)
              (i32.lt_u (local.get $len) (i32.const 4096))))
          (call $write-and-flush (local.get $stream) (local.get $ptr) (local.get $n) (i32.const 16))
          (if (i32.load8_u (i32.const 16))
            (then
              ;; last-operation-failed carries an own<error>: drop it
              (if (i32.eqz (i32.load8_u (i32.const 20)))
                (then (call $io-error-drop (i32.load (i32.const 24)))))
              (br $done)))
          (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
          (local.set $len (i32.sub (local.get $len) (local.get $n)))
          (br $more))))

    ;; The text of the keyvalue error variant at $err, as (ptr, len).
    (func $error-text (param $err i32) (result i32 i32)
      (block $other
        (block $access-denied
          (block $no-such-store
            (br_table $no-such-store $access-denied $other
              (i32.load8_u (local.get $err))))
          (return (i32.const 192) (i32.const 13)))
        (return (i32.const 208) (i32.const 13)))
      (i32.load offset=4 (local.get $err))
      (i32.load offset=8 (local.get $err)))

    ;; Writes "visits: <n>\n" so that it ends at 320; returns where it starts.
    (func $format-visits (param $n i64) (result i32)
      (local $p i32)
      (local.set $p (i32.const 319))
      (i32.store8 (local.get $p) (i32.const 10))
      (loop $digit
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p)
          (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
        (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
        (br_if $digit (i64.ne (local.get $n) (i64.const 0))))
      (local.set $p (i32.sub (local.get $p) (i32.const 8)))
      (memory.copy (local.get $p) (i32.const 240) (i32.const 8))
      (local.get $p))

    (func (export "handle") (param $request i32) (param $out i32)
      (local $bucket i32) (local $err i32) (local $text i32)
      (local $response i32) (local $body i32) (local $stream i32)
      (call $reset)
      (call $request-drop (local.get $request))

      ;; count the visit; on failure $err points at the keyvalue error variant
      (call $open (i32.const 224) (i32.const 7) (i32.const 48))
      (if (i32.load8_u (i32.const 48))
        (then (local.set $err (i32.const 52)))
        (else
          (local.set $bucket (i32.load (i32.const 52)))
          (call $increment (local.get $bucket) (i32.const 232) (i32.const 6) (i64.const 1) (i32.const 48))
          (call $bucket-drop (local.get $bucket))
          (if (i32.load8_u (i32.const 48))
            (then (local.set $err (i32.const 56)))
            (else (local.set $text (call $format-visits (i64.load (i32.const 56))))))))

      ;; headers: a static, valid list, so from-list cannot fail
      (call $fields-from-list (i32.const 160) (i32.const 1) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $response (call $response-new (i32.load (i32.const 20))))
      (if (local.get $err)
        (then (drop (call $response-set-status (local.get $response) (i32.const 500)))))
      ;; body() fails only when called twice
      (call $response-body (local.get $response) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $body (i32.load (i32.const 20)))
      (call $outparam-set (local.get $out) (i32.const 0) (local.get $response)
        (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      ;; write() fails only when called twice
      (call $body-write (local.get $body) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $stream (i32.load (i32.const 20)))
      (if (local.get $err)
        (then
          (call $write-all (local.get $stream) (call $error-text (local.get $err)))
          (call $write-all (local.get $stream) (i32.const 248) (i32.const 1)))
        (else
          (call $write-all (local.get $stream) (local.get $text)
            (i32.sub (i32.const 320) (local.get $text)))))
      (call $stream-drop (local.get $stream))
      (call $body-finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 16)))
  )
  (core instance $env
    (export "memory" (memory $mem))
    (export "reset" (func $reset))
    (export "write-and-flush" (func $write-and-flush-lowered))
    (export "fields-from-list" (func $fields-from-list-lowered))
    (export "response-new" (func $response-new-lowered))
    (export "response-set-status" (func $response-set-status-lowered))
    (export "response-body" (func $response-body-lowered))
    (export "outparam-set" (func $outparam-set-lowered))
    (export "body-write" (func $body-write-lowered))
    (export "body-finish" (func $body-finish-lowered))
    (export "open" (func $open-lowered))
    (export "increment" (func $increment-lowered))
    (export "request-drop" (func $request-drop))
    (export "stream-drop" (func $stream-drop))
    (export "io-error-drop" (func $io-error-drop))
    (export "bucket-drop" (func $bucket-drop)))
  (core instance $i (instantiate $m (with "env" (instance $env))))
  (alias core export $i "handle" (core func $handle-core))

  (func $handle (param "request" (own $incoming-request)) (param "response-out" (own $response-outparam))
    (canon lift (core func $handle-core)))

  ;; The exported interface names the two resources it uses (WIT:
  ;; `use types.{incoming-request, response-outparam}`), as wit-component
  ;; lays it out: a small component re-exports them with `handle`.
  (component $incoming-handler
    (import "import-type-incoming-request" (type $req (sub resource)))
    (import "import-type-response-outparam" (type $out (sub resource)))
    (import "import-func-handle" (func $handle (param "request" (own $req)) (param "response-out" (own $out))))
    (export $req-export "incoming-request" (type $req))
    (export $out-export "response-outparam" (type $out))
    (export "handle" (func $handle)
      (func (param "request" (own $req-export)) (param "response-out" (own $out-export))))
  )
  (instance $handler (instantiate $incoming-handler
    (with "import-type-incoming-request" (type $incoming-request))
    (with "import-type-response-outparam" (type $response-outparam))
    (with "import-func-handle" (func $handle))))
  (export "wasi:http/incoming-handler@0.2.0" (instance $handler))
)
