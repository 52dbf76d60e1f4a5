// Independent work spread over the machine's cores. Callers keep one result slot per item and
// merge the slots in item order afterwards, so no output depends on which thread ran first.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace migc {

// Calls work(i) for every i below count, on up to as many threads as there are cores (none
// extra for a handful of items, where starting a thread costs more than it saves). Rethrows the
// first exception a call threw, once every thread has stopped.
template <typename Work>
void for_each_index_in_parallel(std::size_t count, const Work& work) {
  constexpr std::size_t items_per_thread = 64;
  constexpr std::size_t batch = 16;  // items a thread takes at once: neighbours share cache lines
  const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t threads = std::min({cores, count / items_per_thread, std::size_t{16}});
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto run = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t begin = next.fetch_add(batch, std::memory_order_relaxed);
      if (begin >= count) return;
      try {
        for (std::size_t i = begin; i < std::min(count, begin + batch); ++i) work(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) {
    try {
      helpers.emplace_back(run);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running take the rest
    }
  }
  run();
  for (auto& helper : helpers) helper.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace migc
