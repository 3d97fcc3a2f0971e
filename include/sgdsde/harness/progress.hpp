#pragma once
// A progress bar on stderr for long work: drawn only when enabled (a terminal, not --quiet) and
// only once the work has lasted a second; add() is thread-safe and redraws at most 10 times/s.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace sgdsde {

class Progress {
 public:
  Progress(std::int64_t total, std::string label, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Marks n more units done (thread-safe, cheap when disabled).
  void add(std::int64_t n = 1);
  /// Draws the final state and ends the line (if anything was drawn); idempotent.
  void finish();
  [[nodiscard]] std::int64_t done() const { return done_.load(std::memory_order_relaxed); }
  [[nodiscard]] bool enabled() const { return enabled_; }

 private:
  void draw(bool final);
  std::int64_t total_;
  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<std::int64_t> next_draw_ns_;
  std::atomic<bool> drawn_{false}, finished_{false};
  std::mutex draw_mutex_;
};

}  // namespace sgdsde
