;; kvbatch.wat -- the rest of wasi:keyvalue@0.2.0-draft through a real component: the store
;; methods kvcounter.wat does not use (exists, delete, list-keys) and the whole batch interface.
;; Build: jco parse kvbatch.wat -o kvbatch.wasm (jco 1.35.0, as tests/fixtures/build.sh installs it).
;;
;; Every root export opens the named bucket, calls one import with the rest of its arguments as
;; they are (the canonical ABI layouts of the export's and the import's values are the same), drops
;; the bucket and returns the import's own return area, where the host wrote the result. Only an
;; error is rewritten there: the `error` variant becomes its text (other(s) -> s, the other cases
;; their names), so the caller sees result<T, string>.
;;   exists(bucket, key) -> result<bool, string>
;;   delete(bucket, key) -> result<_, string>
;;   list-keys(bucket, cursor: option<u64>) -> result<tuple<list<string>, option<u64>>, string>
;;   get-many(bucket, keys: list<string>) -> result<list<option<tuple<string, list<u8>>>>, string>
;;   set-many(bucket, key-values: list<tuple<string, list<u8>>>) -> result<_, string>
;;   delete-many(bucket, keys: list<string>) -> result<_, string>
;;
;; Memory: [32, 64) the import return area (8-aligned; list-keys' payload is at +8, every other
;; result's at +4); [128, 141) "no-such-store", [144, 157) "access-denied"; from 1024 the bump
;; heap of cabi_realloc, reset by every export's post-return.
(component $kvbatch
  (type $store-type (instance
    (export "bucket" (type $bucket (sub resource)))
    (type $error-def (variant (case "no-such-store") (case "access-denied") (case "other" string)))
    (export "error" (type $error (eq $error-def)))
    (type $key-response-def (record (field "keys" (list string)) (field "cursor" (option u64))))
    (export "key-response" (type $key-response (eq $key-response-def)))
    (export "open" (func (param "identifier" string) (result (result (own $bucket) (error $error)))))
    (export "[method]bucket.delete" (func (param "self" (borrow $bucket)) (param "key" string)
      (result (result (error $error)))))
    (export "[method]bucket.exists" (func (param "self" (borrow $bucket)) (param "key" string)
      (result (result bool (error $error)))))
    (export "[method]bucket.list-keys" (func (param "self" (borrow $bucket)) (param "cursor" (option u64))
      (result (result $key-response (error $error)))))
  ))
  (import "wasi:keyvalue/store@0.2.0-draft" (instance $store (type $store-type)))
  (alias export $store "bucket" (type $bucket))
  (alias export $store "error" (type $error))
  (alias export $store "open" (func $open))
  (alias export $store "[method]bucket.delete" (func $delete))
  (alias export $store "[method]bucket.exists" (func $exists))
  (alias export $store "[method]bucket.list-keys" (func $list-keys))

  (type $batch-type (instance
    (alias outer $kvbatch $bucket (type $bucket-outer))
    (export "bucket" (type $bucket (eq $bucket-outer)))
    (alias outer $kvbatch $error (type $error-outer))
    (export "error" (type $error (eq $error-outer)))
    (export "get-many" (func (param "bucket" (borrow $bucket)) (param "keys" (list string))
      (result (result (list (option (tuple string (list u8)))) (error $error)))))
    (export "set-many" (func (param "bucket" (borrow $bucket)) (param "key-values" (list (tuple string (list u8))))
      (result (result (error $error)))))
    (export "delete-many" (func (param "bucket" (borrow $bucket)) (param "keys" (list string))
      (result (result (error $error)))))
  ))
  (import "wasi:keyvalue/batch@0.2.0-draft" (instance $batch (type $batch-type)))
  (alias export $batch "get-many" (func $get-many))
  (alias export $batch "set-many" (func $set-many))
  (alias export $batch "delete-many" (func $delete-many))

  (core module $heap
    (memory (export "memory") 1)
    (data (i32.const 128) "no-such-store")
    (data (i32.const 144) "access-denied")
    (global $heap (mut i32) (i32.const 1024))
    ;; cabi_realloc(old_ptr, old_size, align, new_size) -> ptr  (bump allocator, grows memory)
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
    (func (export "reset") (param i32)
      (global.set $heap (i32.const 1024)))
  )
  (core instance $heap-inst (instantiate $heap))
  (alias core export $heap-inst "memory" (core memory $mem))
  (alias core export $heap-inst "cabi_realloc" (core func $realloc))
  (alias core export $heap-inst "reset" (core func $reset))

  (core func $open-lowered (canon lower (func $open) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $delete-lowered (canon lower (func $delete) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $exists-lowered (canon lower (func $exists) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $list-keys-lowered (canon lower (func $list-keys) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $get-many-lowered (canon lower (func $get-many) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $set-many-lowered (canon lower (func $set-many) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $delete-many-lowered (canon lower (func $delete-many) (memory $mem) (realloc $realloc) string-encoding=utf8))
  (core func $bucket-drop (canon resource.drop $bucket))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "env" "open" (func $open (param i32 i32 i32)))
    ;; (bucket, ptr, len, retptr): delete, exists, get-many, set-many, delete-many
    (import "env" "delete" (func $delete (param i32 i32 i32 i32)))
    (import "env" "exists" (func $exists (param i32 i32 i32 i32)))
    (import "env" "get-many" (func $get-many (param i32 i32 i32 i32)))
    (import "env" "set-many" (func $set-many (param i32 i32 i32 i32)))
    (import "env" "delete-many" (func $delete-many (param i32 i32 i32 i32)))
    ;; list-keys(bucket, cursor disc, cursor value, retptr)
    (import "env" "list-keys" (func $list-keys (param i32 i32 i64 i32)))
    (import "env" "bucket-drop" (func $bucket-drop (param i32)))

    ;; Writes the text of the error variant at $err as a string {ptr, len} at $dst ($dst may be $err).
    (func $error-text (param $err i32) (param $dst i32)
      (local $ptr i32) (local $len i32)
      (block $other
        (block $access-denied
          (block $no-such-store
            (br_table $no-such-store $access-denied $other (i32.load8_u (local.get $err))))
          (local.set $ptr (i32.const 128))
          (local.set $len (i32.const 13))
          (br $other))
        (local.set $ptr (i32.const 144))
        (local.set $len (i32.const 13)))
      (if (i32.eq (i32.load8_u (local.get $err)) (i32.const 2))
        (then
          (local.set $ptr (i32.load offset=4 (local.get $err)))
          (local.set $len (i32.load offset=8 (local.get $err)))))
      (i32.store (local.get $dst) (local.get $ptr))
      (i32.store offset=4 (local.get $dst) (local.get $len)))

    ;; open(identifier) -> handle, or 0 with the open error already rewritten as the export's error
    ;; (disc 1 at 32, text at 32 + $payload).
    (func $open-bucket (param $p i32) (param $l i32) (param $payload i32) (result i32)
      (call $open (local.get $p) (local.get $l) (i32.const 32))
      (if (result i32) (i32.load8_u (i32.const 32))
        (then
          (call $error-text (i32.const 36) (i32.add (i32.const 32) (local.get $payload)))
          (i32.const 0))
        (else (i32.load (i32.const 36)))))

    ;; After an import call: an error result is rewritten in place as result<_, string>.
    (func $finish (param $payload i32) (result i32)
      (if (i32.load8_u (i32.const 32))
        (then (call $error-text
          (i32.add (i32.const 32) (local.get $payload))
          (i32.add (i32.const 32) (local.get $payload)))))
      (i32.const 32))

    (func $with-list (param $bp i32) (param $bl i32) (param $p i32) (param $l i32) (param $which i32) (result i32)
      (local $h i32)
      (local.set $h (call $open-bucket (local.get $bp) (local.get $bl) (i32.const 4)))
      (if (i32.eqz (local.get $h)) (then (return (i32.const 32))))
      (block $done
        (block $delete-many
          (block $set-many
            (block $get-many
              (block $exists
                (block $delete
                  (br_table $delete $exists $get-many $set-many $delete-many (local.get $which)))
                (call $delete (local.get $h) (local.get $p) (local.get $l) (i32.const 32))
                (br $done))
              (call $exists (local.get $h) (local.get $p) (local.get $l) (i32.const 32))
              (br $done))
            (call $get-many (local.get $h) (local.get $p) (local.get $l) (i32.const 32))
            (br $done))
          (call $set-many (local.get $h) (local.get $p) (local.get $l) (i32.const 32))
          (br $done))
        (call $delete-many (local.get $h) (local.get $p) (local.get $l) (i32.const 32)))
      (call $bucket-drop (local.get $h))
      (call $finish (i32.const 4)))

    (func (export "delete") (param i32 i32 i32 i32) (result i32)
      (call $with-list (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 0)))
    (func (export "exists") (param i32 i32 i32 i32) (result i32)
      (call $with-list (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 1)))
    (func (export "get-many") (param i32 i32 i32 i32) (result i32)
      (call $with-list (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 2)))
    (func (export "set-many") (param i32 i32 i32 i32) (result i32)
      (call $with-list (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 3)))
    (func (export "delete-many") (param i32 i32 i32 i32) (result i32)
      (call $with-list (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 4)))

    (func (export "list-keys") (param $bp i32) (param $bl i32) (param $disc i32) (param $cursor i64) (result i32)
      (local $h i32)
      (local.set $h (call $open-bucket (local.get $bp) (local.get $bl) (i32.const 8)))
      (if (i32.eqz (local.get $h)) (then (return (i32.const 32))))
      (call $list-keys (local.get $h) (local.get $disc) (local.get $cursor) (i32.const 32))
      (call $bucket-drop (local.get $h))
      (call $finish (i32.const 8)))
  )
  (core instance $env
    (export "memory" (memory $mem))
    (export "open" (func $open-lowered))
    (export "delete" (func $delete-lowered))
    (export "exists" (func $exists-lowered))
    (export "list-keys" (func $list-keys-lowered))
    (export "get-many" (func $get-many-lowered))
    (export "set-many" (func $set-many-lowered))
    (export "delete-many" (func $delete-many-lowered))
    (export "bucket-drop" (func $bucket-drop)))
  (core instance $i (instantiate $m (with "env" (instance $env))))

  (func (export "exists") (param "bucket" string) (param "key" string)
    (result (result bool (error string)))
    (canon lift (core func $i "exists") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
  (func (export "delete") (param "bucket" string) (param "key" string)
    (result (result (error string)))
    (canon lift (core func $i "delete") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
  (func (export "list-keys") (param "bucket" string) (param "cursor" (option u64))
    (result (result (tuple (list string) (option u64)) (error string)))
    (canon lift (core func $i "list-keys") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
  (func (export "get-many") (param "bucket" string) (param "keys" (list string))
    (result (result (list (option (tuple string (list u8)))) (error string)))
    (canon lift (core func $i "get-many") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
  (func (export "set-many") (param "bucket" string) (param "key-values" (list (tuple string (list u8))))
    (result (result (error string)))
    (canon lift (core func $i "set-many") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
  (func (export "delete-many") (param "bucket" string) (param "keys" (list string))
    (result (result (error string)))
    (canon lift (core func $i "delete-many") (memory $mem) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
)
