;; http-hello.wat -- the smallest useful wasi:http component.
;; Exports `wasi:http/incoming-handler@0.2.0`:
;;   handle: func(request: incoming-request, response-out: response-outparam)
;; Every request, whatever its method or path, is answered
;;   200, content-type: text/plain, body "hello, world!\n".
;; Imports only what that needs: the resource `error` of wasi:io/error (named
;; by wasi:io/streams' stream-error), `output-stream.blocking-write-and-flush`
;; of wasi:io/streams, and from wasi:http/types: fields.from-list,
;; outgoing-response (constructor, body), outgoing-body (write, finish),
;; response-outparam.set (and the resources they name).
;; Written by hand so that it is a few hundred bytes, compiles in
;; milliseconds and instantiates with one page of memory: a benchmark of it
;; measures the host, not the guest.
;;
;; The order of calls is the one wasi:http expects: build the response, take
;; its body, hand the response to the outparam, then write the body through
;; its stream, drop the stream (a child of the body) and finish the body.
;;
;; Memory layout:
;;   [16, 40)   import return area (8-aligned), written by the host:
;;              from-list  result<own<fields>, header-error>: {disc@0, handle@4 | error@4}
;;              body/write result<own<T>>: {disc@0, handle@4}
;;              blocking-write-and-flush result<_, stream-error>:
;;                         {disc@0, stream-error {tag@4, own<error>@8}}
;;              finish     result<_, error-code>: {disc@0, error-code@8} (ignored)
;;   [64, 76)   "content-type"     [80, 90)  "text/plain"
;;   [96, 112)  the header list for from-list: one tuple<string, list<u8>>
;;              {name ptr@0, name len@4, value ptr@8, value len@12}
;;   [128, 142) "hello, world!\n"
;;   [1024, ..) bump heap served by `cabi_realloc` (strings of an error-code the
;;              host may return from finish); reset at the start of every request.
(component $http-hello
  (type $io-error-type (instance
    (export "error" (type (sub resource)))
  ))
  (import "wasi:io/error@0.2.0" (instance $io-error (type $io-error-type)))
  (alias export $io-error "error" (type $error))

  (type $streams-type (instance
    (export "output-stream" (type $output-stream (sub resource)))
    (alias outer $http-hello $error (type $error-outer))
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
    (export "incoming-request" (type $incoming-request (sub resource)))
    (export "response-outparam" (type $response-outparam (sub resource)))
    (export "outgoing-response" (type $outgoing-response (sub resource)))
    (export "outgoing-body" (type $outgoing-body (sub resource)))
    (alias outer $http-hello $output-stream (type $output-stream-outer))
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
  (alias export $http-types "[method]outgoing-response.body" (func $response-body))
  (alias export $http-types "[static]response-outparam.set" (func $outparam-set))
  (alias export $http-types "[method]outgoing-body.write" (func $body-write))
  (alias export $http-types "[static]outgoing-body.finish" (func $body-finish))

  ;; Core module 1: memory, static data and the allocator, instantiated first
  ;; so the imports can be lowered with its memory and realloc.
  (core module $heap
    (memory (export "memory") 1)
    (data (i32.const 64) "content-type")
    (data (i32.const 80) "text/plain")
    ;; the header list: ("content-type", "text/plain") as {ptr, len, ptr, len}
    (data (i32.const 96) "\40\00\00\00\0c\00\00\00\50\00\00\00\0a\00\00\00")
    (data (i32.const 128) "hello, world!\n")
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
  (core func $response-body-lowered (canon lower (func $response-body) (memory $mem)))
  (core func $outparam-set-lowered (canon lower (func $outparam-set) (memory $mem) string-encoding=utf8))
  (core func $body-write-lowered (canon lower (func $body-write) (memory $mem)))
  (core func $body-finish-lowered (canon lower (func $body-finish) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $request-drop (canon resource.drop $incoming-request))
  (core func $stream-drop (canon resource.drop $output-stream))
  (core func $error-drop (canon resource.drop $error))

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
    ;; outgoing-response.body(response, retptr)
    (import "env" "response-body" (func $response-body (param i32 i32)))
    ;; response-outparam.set(outparam, result disc, payload...): the result's
    ;; payload is the join of own<outgoing-response> and the flattened error-code
    (import "env" "outparam-set" (func $outparam-set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
    ;; outgoing-body.write(body, retptr)
    (import "env" "body-write" (func $body-write (param i32 i32)))
    ;; outgoing-body.finish(body, option disc, trailers, retptr)
    (import "env" "body-finish" (func $body-finish (param i32 i32 i32 i32)))
    (import "env" "request-drop" (func $request-drop (param i32)))
    (import "env" "stream-drop" (func $stream-drop (param i32)))
    (import "env" "error-drop" (func $error-drop (param i32)))

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
                (then (call $error-drop (i32.load (i32.const 24)))))
              (br $done)))
          (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
          (local.set $len (i32.sub (local.get $len) (local.get $n)))
          (br $more))))

    (func (export "handle") (param $request i32) (param $out i32)
      (local $response i32) (local $body i32) (local $stream i32)
      (call $reset)
      (call $request-drop (local.get $request))
      ;; headers: a static, valid list, so from-list cannot fail
      (call $fields-from-list (i32.const 96) (i32.const 1) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $response (call $response-new (i32.load (i32.const 20))))
      ;; body() fails only when called twice
      (call $response-body (local.get $response) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $body (i32.load (i32.const 20)))
      ;; ok(response): status stays at its default, 200
      (call $outparam-set (local.get $out) (i32.const 0) (local.get $response)
        (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      ;; write() fails only when called twice
      (call $body-write (local.get $body) (i32.const 16))
      (if (i32.load8_u (i32.const 16)) (then unreachable))
      (local.set $stream (i32.load (i32.const 20)))
      (call $write-all (local.get $stream) (i32.const 128) (i32.const 14))
      (call $stream-drop (local.get $stream))
      (call $body-finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 16)))
  )
  (core instance $env
    (export "memory" (memory $mem))
    (export "reset" (func $reset))
    (export "write-and-flush" (func $write-and-flush-lowered))
    (export "fields-from-list" (func $fields-from-list-lowered))
    (export "response-new" (func $response-new-lowered))
    (export "response-body" (func $response-body-lowered))
    (export "outparam-set" (func $outparam-set-lowered))
    (export "body-write" (func $body-write-lowered))
    (export "body-finish" (func $body-finish-lowered))
    (export "request-drop" (func $request-drop))
    (export "stream-drop" (func $stream-drop))
    (export "error-drop" (func $error-drop)))
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
