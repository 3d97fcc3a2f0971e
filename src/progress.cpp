#include "sgdsde/harness/progress.hpp"

#include <algorithm>
#include <cstdio>

namespace sgdsde {

namespace {
std::int64_t ns_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
}
constexpr std::int64_t kDelayNs = 1'000'000'000, kIntervalNs = 100'000'000;
}  // namespace

Progress::Progress(std::int64_t total, std::string label, bool enabled)
    : total_(std::max<std::int64_t>(total, 1)),
      label_(std::move(label)),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      next_draw_ns_(kDelayNs) {}

Progress::~Progress() { finish(); }

void Progress::add(std::int64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!enabled_) return;
  const std::int64_t now = ns_since(start_);
  std::int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next) return;
  if (!next_draw_ns_.compare_exchange_strong(next, now + kIntervalNs)) return;
  draw(false);
}

void Progress::finish() {
  if (finished_.exchange(true)) return;
  if (enabled_ && drawn_.load()) {
    draw(true);
  }
}

void Progress::draw(bool final) {
  std::unique_lock lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock() && !final) return;
  if (!lock.owns_lock()) lock.lock();
  const double frac = std::min(1.0, static_cast<double>(done()) / static_cast<double>(total_));
  const double elapsed = static_cast<double>(ns_since(start_)) * 1e-9;
  constexpr int width = 30;
  const int filled = static_cast<int>(frac * width);
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  if (final) {
    std::fprintf(stderr, "\r%s [%s] %3d%%  %.1f s          \n", label_.c_str(), bar,
                 static_cast<int>(frac * 100), elapsed);
  } else {
    const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0.0;
    std::fprintf(stderr, "\r%s [%s] %3d%%  %.1f s  eta %.0f s   ", label_.c_str(), bar,
                 static_cast<int>(frac * 100), elapsed, eta);
  }
  std::fflush(stderr);
  drawn_.store(true);
}

}  // namespace sgdsde
