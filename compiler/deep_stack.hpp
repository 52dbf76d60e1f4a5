// Work that recurses as deep as its input nests (PostgreSQL's parse trees, and the compiler's
// walks over them), run on a thread whose stack is sized for it rather than the usual 8 MB.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace migc {

// Runs work() on a thread with a stack of `bytes` (address space reserved, committed only as it
// is used) and returns its result, rethrowing what it threw; on the calling thread when no such
// thread can be started.
template <typename Work>
std::invoke_result_t<Work&> on_a_deep_stack(std::size_t bytes, Work& work) {
  using Result = std::invoke_result_t<Work&>;
  struct Call {
    Work* work;
    std::optional<Result> result;
    std::exception_ptr error;
  } call{&work, std::nullopt, nullptr};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, bytes);
  pthread_t thread;
  const int started = pthread_create(
      &thread, &attributes,
      [](void* argument) -> void* {
        auto* c = static_cast<Call*>(argument);
        try {
          c->result.emplace((*c->work)());
        } catch (...) {
          c->error = std::current_exception();
        }
        return nullptr;
      },
      &call);
  pthread_attr_destroy(&attributes);
  if (started != 0) return work();
  pthread_join(thread, nullptr);
  if (call.error) std::rethrow_exception(call.error);
  return std::move(*call.result);
}

}  // namespace migc
