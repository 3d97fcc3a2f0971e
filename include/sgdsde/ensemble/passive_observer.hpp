#pragma once
// Passive<O>: forwards begin/observe/end to an observer but hides its all_passed(), so that
// RunOptions::stop_when_all_passed does not stop a block on its account. Use it for a secondary
// first-passage target (e.g. the saddle) reached before the primary one (the other minimum): the
// run then stops when the primary target has been reached by every particle of the block.
#include "sgdsde/ensemble/observer.hpp"

namespace sgdsde {

template <class O>
class Passive {
 public:
  explicit Passive(O& inner) : inner_(&inner) {}
  void begin(const ObserverContext& c) { inner_->begin(c); }
  void observe(const Ensemble& x, const BlockView& v, long k) { inner_->observe(x, v, k); }
  [[nodiscard]] long next_record(long k) const requires requires(const O& o) { o.next_record(k); }
  { return inner_->next_record(k); }
  void share_across_ranks(const RankLayout& L) requires requires(O& o) { o.share_across_ranks(L); }
  { inner_->share_across_ranks(L); }
  void save(std::span<const BlockView> b, checkpoint::Writer& w) requires requires(O& o) { o.save(b, w); }
  { inner_->save(b, w); }
  void restore(std::span<const BlockView> b, checkpoint::Reader& r) requires requires(O& o) {
    o.restore(b, r);
  }
  { inner_->restore(b, r); }
  void block_done(const BlockView& v) requires requires(O& o) { o.block_done(v); }
  { inner_->block_done(v); }
  void end() { inner_->end(); }

 private:
  O* inner_;
};

}  // namespace sgdsde
