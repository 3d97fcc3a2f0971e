#pragma once
// Repeated solves with a factorised Eigen::SparseLU, faster than Eigen's own supernodal solve
// (docs/fokker_planck.md, "Fast triangular solves").
//
// After the factorisation the factors are copied once into compact row-oriented arrays (values +
// 32-bit column indices, exact zeros dropped): the forward sweep computes
//   x_i = b_i − Σ_j L_ij x_j  (rows in increasing order; L has a unit diagonal),
// the backward sweep
//   x_i = (y_i − Σ_j U_ij x_j) / U_ii  (rows in decreasing order),
// each row's sum in a fixed order with four partial sums (so the result does not depend on the
// thread count, only on the factors). The input and output permutations of the caller and of
// Eigen (X = Pr·B before L, X = Pc⁻¹·X after U) are folded into two index maps.
//
// Two threads (opt-in: set_threads(2)): every position carries a seed group (left, right, none;
// GridLU uses the two halves of the top-level nested dissection and its separator). Each sweep is
// cut into phases that are either parallel (group left on thread 0, group right on thread 1) or
// serial (thread 0), with barriers between them (none between consecutive serial phases):
//   forward  [serial, parallel, serial],   backward [serial, parallel, parallel, serial],
// rows without L entries (x_i = b_i) needing no phase. Rows are placed column by column in
// processing order once every row they reference is placed: a seeded row in the first parallel
// phase where its group fits (the rows it references are in earlier phases or earlier in its own
// (phase, group) list), else in the last serial phase; an unseeded row in the first phase that
// fits. So the schedule follows the actual factor structure: a wrong seed costs speed, never
// correctness (schedule_valid() re-checks it). If two threads would not save a quarter of the
// work, the solve stays on one. Each row is computed identically in every case: 1 and 2 threads
// give bitwise identical results.
// Measured (256² Himmelblau, 4.0 M factor entries): Eigen's solve ≈ 6 ms, this one ≈ 2.5–3 ms on one
// thread and ≈ 1.3–1.7 ms on two when both cores are free; but with a third busy process on the
// shared 2-core machine each barrier waits for a descheduled thread (≈ 20 ms per solve), hence the
// default of one.
#include <omp.h>

#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/types.hpp"

namespace sgdsde::fp {

class ScheduledLUSolve {
 public:
  /// Seed groups of a position (the thread a row would like to run on).
  enum Group : std::int8_t { left = 0, right = 1, none = 2 };

  /// Copies the factors of a factorised SparseLU (any ordering) of an n × n matrix M'. The caller's
  /// system M x = b with M' = Q M Qᵀ is described by in_pos[c] = (Pr Q)(c) and out_pos[c] =
  /// (Pc Q)(c), i.e. in_pos[c] = lu.rowsPermutation().indices()[q[c]], out_pos[c] =
  /// lu.colsPermutation().indices()[q[c]]; seed[c] is the group of cell c (input order).
  template <class SparseLUType>
  void build(const SparseLUType& lu, const std::vector<int>& in_pos, const std::vector<int>& out_pos,
             const std::vector<std::int8_t>& seed_of_cell) {
    const auto& Ls = lu.matrixL().m_mapL;  // supernodes: L, and U inside the diagonal blocks
    const auto& Us = lu.matrixU().m_mapU;  // U outside the supernodes' diagonal blocks
    const int n = static_cast<int>(Ls.rows());
    require(static_cast<int>(in_pos.size()) == n && static_cast<int>(out_pos.size()) == n &&
                static_cast<int>(seed_of_cell.size()) == n,
            "ScheduledLUSolve: map sizes differ from the factor's");
    n_ = n;
    in_pos_ = in_pos;
    out_pos_ = out_pos;
    std::vector<std::int8_t> seed(static_cast<std::size_t>(n), none);
    for (int c = 0; c < n; ++c) seed[static_cast<std::size_t>(out_pos[c])] = seed_of_cell[c];

    // The supernodes hold L and the part of U inside their diagonal blocks (column-major blocks,
    // one list of row indices per supernode); the U store holds the rest of U by columns.
    const auto* xsup = Ls.supToCol();
    const auto* colptr = Ls.colIndexPtr();
    const auto* rowptr = Ls.rowIndexPtr();
    const auto* rowind = Ls.rowIndex();
    const double* val = Ls.valuePtr();
    const Index nsuper = Ls.nsuper();
    using UIt = typename std::decay_t<decltype(Us)>::InnerIterator;
    const auto N = static_cast<std::size_t>(n);

    // Pass 1: the diagonal of U and the number of nonzero off-diagonal entries of each row.
    std::vector<int> lcount(N, 0), ucount(N, 0);
    diag_.assign(N, 0.0);
    for (Index k = 0; k <= nsuper; ++k) {
      const Index fsupc = xsup[k], istart = rowptr[fsupc], nsupr = rowptr[fsupc + 1] - istart;
      for (Index j = fsupc; j < xsup[k + 1]; ++j) {
        const double* v = val + colptr[j];
        for (Index r = 0; r < nsupr; ++r) {
          const Index i = rowind[istart + r];
          if (i == j)
            diag_[static_cast<std::size_t>(i)] = v[r];
          else if (v[r] != 0.0)
            ++(i > j ? lcount : ucount)[static_cast<std::size_t>(i)];
        }
      }
    }
    for (Index j = 0; j < n; ++j)
      for (UIt it(Us, j); it; ++it)
        if (it.value() != 0.0) ++ucount[static_cast<std::size_t>(it.index())];
    for (std::size_t i = 0; i < N; ++i)
      if (diag_[i] == 0.0) throw NumericalError("ScheduledLUSolve: zero pivot in U");

    // Pass 2: the schedules. A row is placed when every row it references is placed (forward:
    // columns in increasing order; backward: decreasing), then announces its phase and group to
    // the rows that reference it (the other entries of its column).
    std::vector<int> maxp(N, -1);
    std::vector<unsigned char> groups(N, 0);
    const auto announce = [&](std::size_t i, int p, unsigned bits) {
      if (p > maxp[i]) {
        maxp[i] = p;
        groups[i] = static_cast<unsigned char>(bits);
      } else if (p == maxp[i]) {
        groups[i] = static_cast<unsigned char>(groups[i] | bits);
      }
    };
    std::vector<Task*> task_of(N);
    Sweep* sw = &forward_;
    init_sweep(forward_, {false, true, false});
    const auto place_row = [&](Index j, int count) {
      const auto J = static_cast<std::size_t>(j);
      const auto [p, g] = place(*sw, maxp[J], groups[J], seed[J], count);
      Task& T = sw->phase[static_cast<std::size_t>(p)].task[static_cast<std::size_t>(g)];
      T.row.push_back(static_cast<int>(j));
      task_of[J] = &T;
      return std::pair<int, unsigned>(p, sw->phase[static_cast<std::size_t>(p)].parallel ? 1u << g : 4u);
    };
    lfree_.clear();
    for (Index k = 0; k <= nsuper; ++k) {
      const Index fsupc = xsup[k], istart = rowptr[fsupc], nsupr = rowptr[fsupc + 1] - istart;
      for (Index j = fsupc; j < xsup[k + 1]; ++j) {
        if (lcount[static_cast<std::size_t>(j)] == 0) {  // x_j = b_j: done before the first phase
          lfree_.push_back(static_cast<int>(j));
          continue;
        }
        const auto [p, bits] = place_row(j, lcount[static_cast<std::size_t>(j)]);
        const double* v = val + colptr[j];
        for (Index r = 0; r < nsupr; ++r) {
          const Index i = rowind[istart + r];
          if (i > j && v[r] != 0.0) announce(static_cast<std::size_t>(i), p, bits);
        }
      }
    }
    std::vector<Task*> ltask_of = task_of;
    std::fill(maxp.begin(), maxp.end(), -1);
    std::fill(groups.begin(), groups.end(), 0);
    sw = &backward_;
    init_sweep(backward_, {false, true, true, false});
    for (Index k = nsuper; k >= 0; --k) {
      const Index fsupc = xsup[k], istart = rowptr[fsupc], nsupr = rowptr[fsupc + 1] - istart;
      for (Index j = xsup[k + 1] - 1; j >= fsupc; --j) {
        const auto [p, bits] = place_row(j, ucount[static_cast<std::size_t>(j)]);
        const double* v = val + colptr[j];
        for (Index r = 0; r < nsupr; ++r) {
          const Index i = rowind[istart + r];
          if (i < j && v[r] != 0.0) announce(static_cast<std::size_t>(i), p, bits);
        }
        for (UIt it(Us, j); it; ++it)
          if (it.value() != 0.0) announce(static_cast<std::size_t>(it.index()), p, bits);
      }
    }

    // Pass 3: the tasks' entries, each row's in increasing column order.
    std::vector<int> slot(N), uslot(N);
    const auto size_tasks = [&](Sweep& s, const std::vector<int>& count, std::vector<int>& next,
                                bool backward) {
      s.total = s.critical = 0;
      for (Phase& ph : s.phase) {
        for (Task& T : ph.task) {
          T.ptr.resize(T.row.size() + 1);
          T.ptr[0] = 0;
          for (std::size_t r = 0; r < T.row.size(); ++r) {
            const auto i = static_cast<std::size_t>(T.row[r]);
            next[i] = T.ptr[r];
            T.ptr[r + 1] = T.ptr[r] + count[i];
          }
          T.col.resize(static_cast<std::size_t>(T.ptr.back()));
          T.val.resize(T.col.size());
          T.diag.resize(backward ? T.row.size() : 0);
          for (std::size_t r = 0; r < T.diag.size(); ++r)
            T.diag[r] = diag_[static_cast<std::size_t>(T.row[r])];
        }
        const long a = ph.task[0].work(), b = ph.task[1].work();
        s.total += a + b;
        s.critical += ph.parallel ? std::max(a, b) : a + b;
      }
    };
    size_tasks(forward_, lcount, slot, false);
    size_tasks(backward_, ucount, uslot, true);
    const auto put = [](Task& T, int& k, Index j, double v) {
      T.col[static_cast<std::size_t>(k)] = static_cast<int>(j);
      T.val[static_cast<std::size_t>(k)] = v;
      ++k;
    };
    for (Index k = 0; k <= nsuper; ++k) {
      const Index fsupc = xsup[k], istart = rowptr[fsupc], nsupr = rowptr[fsupc + 1] - istart;
      for (Index j = fsupc; j < xsup[k + 1]; ++j) {
        const double* v = val + colptr[j];
        for (Index r = 0; r < nsupr; ++r) {
          const auto i = static_cast<std::size_t>(rowind[istart + r]);
          if (static_cast<Index>(i) == j || v[r] == 0.0) continue;
          if (static_cast<Index>(i) > j)
            put(*ltask_of[i], slot[i], j, v[r]);
          else
            put(*task_of[i], uslot[i], j, v[r]);
        }
      }
    }
    for (Index j = 0; j < n; ++j)
      for (UIt it(Us, j); it; ++it)
        if (it.value() != 0.0) {
          const auto i = static_cast<std::size_t>(it.index());
          put(*task_of[i], uslot[i], j, it.value());
        }
    std::size_t entries = 0;
    for (std::size_t i = 0; i < N; ++i) entries += static_cast<std::size_t>(lcount[i] + ucount[i]);
    const long total = forward_.total + backward_.total;
    const long critical = forward_.critical + backward_.critical;
    parallel_ = 4 * critical <= 3 * total;
    critical_fraction_ = total > 0 ? static_cast<double>(critical) / static_cast<double>(total) : 1.0;
    entries_ = entries;
    x_.resize(static_cast<std::size_t>(n));
    steps_.clear();
    for (int sweep = 0; sweep < 2; ++sweep) {
      const Sweep& sw2 = sweep == 0 ? forward_ : backward_;
      for (std::size_t p = 0; p < sw2.phase.size(); ++p)
        if (!sw2.phase[p].task[0].row.empty() || !sw2.phase[p].task[1].row.empty())
          steps_.push_back({sweep, static_cast<int>(p)});
    }
  }

  [[nodiscard]] bool built() const { return n_ > 0; }
  /// Whether the solve uses two threads when OpenMP offers them.
  [[nodiscard]] bool parallel() const { return parallel_; }
  /// Work on the critical path of the two-thread schedule / total work (1: no gain).
  [[nodiscard]] double critical_fraction() const { return critical_fraction_; }
  /// Off-diagonal factor entries stored (L + U).
  [[nodiscard]] std::size_t entries() const { return entries_; }
  /// Work (entries + rows) of each phase, forward then backward: {parallel, group 0, group 1}.
  [[nodiscard]] std::vector<std::array<long, 3>> phase_work() const {
    std::vector<std::array<long, 3>> w;
    for (const Sweep* s : {&forward_, &backward_})
      for (const Phase& p : s->phase) w.push_back({p.parallel ? 1L : 0L, p.task[0].work(), p.task[1].work()});
    return w;
  }
  /// Re-checks both schedules from the stored tasks: every row is scheduled once and every row
  /// it references is finished before it (an earlier phase, or earlier in its own task).
  [[nodiscard]] bool schedule_valid() const { return valid(forward_, false) && valid(backward_, true); }
  /// Threads the solve may use (1 or 2; default 1). Two are used only if the schedule is worth it
  /// and OpenMP offers two (omp_get_max_threads() ≥ 2, not inside a parallel region). The result
  /// is the same bit for bit.
  void set_threads(int threads) {
    require(threads == 1 || threads == 2, "ScheduledLUSolve: threads must be 1 or 2");
    threads_ = threads;
  }
  [[nodiscard]] int threads() const { return threads_; }

  /// x = M⁻¹ b (x may not alias b).
  void solve(const double* b, double* x) {
    const bool par = parallel_ && threads_ == 2 && !omp_in_parallel() && omp_get_max_threads() >= 2;
    if (par) {
#pragma omp parallel num_threads(2)
      run(b, x, omp_get_thread_num(), omp_get_num_threads());
    } else {
      run(b, x, 0, 1);
    }
  }

 private:
  struct Task {  // the rows of one (phase, group), in processing order, with their entries
    std::vector<int> row, ptr{0}, col;
    std::vector<double> val, diag;
    long acc = 0;  // work placed so far (while scheduling)
    long work() const { return static_cast<long>(val.size() + row.size()); }
  };
  struct Phase {
    bool parallel = false;
    std::array<Task, 2> task;
  };
  struct Sweep {
    std::vector<Phase> phase;
    long total = 0, critical = 0;
  };

  static void init_sweep(Sweep& s, const std::vector<bool>& kinds) {
    s.phase.resize(kinds.size());
    for (std::size_t p = 0; p < kinds.size(); ++p) {
      s.phase[p].parallel = kinds[p];
      for (Task& T : s.phase[p].task) {
        T.row.clear();
        T.acc = 0;
      }
    }
  }
  /// The phase and group of a row whose references lie in phases ≤ maxp, with `groups` the groups
  /// referenced in phase maxp (bit g: group g of a parallel phase; bit 2: a serial phase). A seeded
  /// row takes the first parallel phase its group fits, else the last serial phase; an unseeded
  /// row the first phase it fits (in a parallel phase, the lighter group that fits).
  static std::pair<int, int> place(Sweep& s, int maxp, unsigned groups, int seed, int count) {
    const int P = static_cast<int>(s.phase.size());
    const auto fits = [&](int p, int g) { return p > maxp || groups == (1u << g); };
    const auto kind = [&](int p) { return s.phase[static_cast<std::size_t>(p)].parallel; };
    int phase = -1, group = 0;
    if (seed != none) {
      for (int p = std::max(maxp, 0); p < P && phase < 0; ++p)
        if (kind(p) && fits(p, seed)) {
          phase = p;
          group = seed;
        }
      for (int p = P - 1; p >= std::max(maxp, 0) && phase < 0; --p)
        if (!kind(p)) phase = p;
    } else {
      for (int p = std::max(maxp, 0); p < P && phase < 0; ++p) {
        if (!kind(p)) {
          phase = p;
        } else {
          const auto& t = s.phase[static_cast<std::size_t>(p)].task;
          const int lighter = t[0].acc <= t[1].acc ? 0 : 1;
          for (const int g : {lighter, 1 - lighter})
            if (phase < 0 && fits(p, g)) {
              phase = p;
              group = g;
            }
        }
      }
    }
    if (phase < 0)
      throw NumericalError("ScheduledLUSolve: no phase for a row (the last phase must be serial)");
    s.phase[static_cast<std::size_t>(phase)].task[static_cast<std::size_t>(group)].acc += count + 1;
    return {phase, group};
  }

  bool valid(const Sweep& s, bool backward) const {
    // A reference is fine if it is in an earlier phase, or done earlier in the same task (in a
    // parallel phase the other group's task runs concurrently, so it never counts).
    std::vector<int> phase_of(static_cast<std::size_t>(n_), -1), group_of(static_cast<std::size_t>(n_), -1);
    for (std::size_t p = 0; p < s.phase.size(); ++p)
      for (int g = 0; g < 2; ++g)
        for (const int i : s.phase[p].task[static_cast<std::size_t>(g)].row) {
          if (phase_of[static_cast<std::size_t>(i)] >= 0) return false;
          phase_of[static_cast<std::size_t>(i)] = static_cast<int>(p);
          group_of[static_cast<std::size_t>(i)] = s.phase[p].parallel ? g : 2;
        }
    std::vector<char> done(static_cast<std::size_t>(n_), 0);
    if (!backward)
      for (const int i : lfree_) {  // no entries: x_i = b_i from the start
        if (phase_of[static_cast<std::size_t>(i)] >= 0) return false;
        phase_of[static_cast<std::size_t>(i)] = -1;
        done[static_cast<std::size_t>(i)] = 1;
        group_of[static_cast<std::size_t>(i)] = 3;
      }
    for (int i = 0; i < n_; ++i)
      if (phase_of[static_cast<std::size_t>(i)] < 0 && group_of[static_cast<std::size_t>(i)] != 3)
        return false;
    for (std::size_t p = 0; p < s.phase.size(); ++p) {
      for (int g = 0; g < 2; ++g) {
        const Task& T = s.phase[p].task[static_cast<std::size_t>(g)];
        for (std::size_t r = 0; r < T.row.size(); ++r) {
          const int i = T.row[r];
          for (int k = T.ptr[r]; k < T.ptr[r + 1]; ++k) {
            const auto j = static_cast<std::size_t>(T.col[static_cast<std::size_t>(k)]);
            if (backward ? T.col[static_cast<std::size_t>(k)] <= i : T.col[static_cast<std::size_t>(k)] >= i)
              return false;
            const bool earlier = phase_of[j] < static_cast<int>(p);
            const bool own =
                phase_of[j] == static_cast<int>(p) && done[j] && (!s.phase[p].parallel || group_of[j] == g);
            if (!earlier && !own) return false;
          }
          done[static_cast<std::size_t>(i)] = 1;
        }
      }
    }
    return true;
  }

  /// Σ_k v_k x_{c_k} with four partial sums in a fixed order.
  static double dot(const double* v, const int* c, int len, const double* x) {
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    int k = 0;
    for (; k + 4 <= len; k += 4) {
      a0 += v[k] * x[c[k]];
      a1 += v[k + 1] * x[c[k + 1]];
      a2 += v[k + 2] * x[c[k + 2]];
      a3 += v[k + 3] * x[c[k + 3]];
    }
    for (; k < len; ++k) a0 += v[k] * x[c[k]];
    return (a0 + a1) + (a2 + a3);
  }
  static void run_task(const Task& T, double* x, bool backward) {
    const int rows = static_cast<int>(T.row.size());
    const int* ptr = T.ptr.data();
    const int* col = T.col.data();
    const double* val = T.val.data();
    for (int r = 0; r < rows; ++r) {
      const int i = T.row[static_cast<std::size_t>(r)];
      const double s = x[i] - dot(val + ptr[r], col + ptr[r], ptr[r + 1] - ptr[r], x);
      x[i] = backward ? s / T.diag[static_cast<std::size_t>(r)] : s;
    }
  }
  /// The whole solve on thread t of nt (1 or 2), called by every thread of the team. Barriers
  /// separate the phases, except between consecutive serial ones (all on thread 0).
  void run(const double* b, double* x, int t, int nt) {
    double* X = x_.data();
    const int lo = t * n_ / nt, hi = (t + 1) * n_ / nt;
    for (int c = lo; c < hi; ++c) X[in_pos_[static_cast<std::size_t>(c)]] = b[c];
    if (nt == 2) {
#pragma omp barrier
    }
    const std::size_t m = steps_.size();
    for (std::size_t k = 0; k < m; ++k) {
      const bool backward = steps_[k][0] == 1;
      const Phase& p = phase_of_step(k);
      if (nt == 2 && p.parallel) {
        run_task(p.task[static_cast<std::size_t>(t)], X, backward);
      } else if (t == 0) {
        run_task(p.task[0], X, backward);
        run_task(p.task[1], X, backward);
      }
      if (nt == 2 && (p.parallel || k + 1 == m || phase_of_step(k + 1).parallel)) {
#pragma omp barrier
      }
    }
    for (int c = lo; c < hi; ++c) x[c] = X[out_pos_[static_cast<std::size_t>(c)]];
  }
  const Phase& phase_of_step(std::size_t k) const {
    return (steps_[k][0] == 0 ? forward_ : backward_).phase[static_cast<std::size_t>(steps_[k][1])];
  }

  int n_ = 0;
  std::vector<int> in_pos_, out_pos_;
  std::vector<double> diag_;
  Sweep forward_, backward_;
  std::vector<int> lfree_;                 // rows without L entries (in no forward task)
  std::vector<std::array<int, 2>> steps_;  // the non-empty phases in order: {sweep, phase}
  bool parallel_ = false;
  int threads_ = 1;
  double critical_fraction_ = 1.0;
  std::size_t entries_ = 0;
  std::vector<double> x_;
};

}  // namespace sgdsde::fp
