// network_throughput: rates of the perceptron 784-16-16-10 (sigmoid, softmax + cross-entropy, the
// seed's network) on the standardised Fashion-MNIST training set, for scripts that compare the
// project with other implementations side by side (bench/compare_torch.py). Every line printed is
// `key=value` tokens; the rate is on the last line.
//   network_throughput --case sgd --batch B --networks M --steps K --threads P [--lr 0.1]
//       plain SGD (Sgd{}, ConstantLr, batches with replacement) on M independent networks (Glorot
//       init, particle p of seed 1) through SgdEnsemble + run_ensemble with block = 1 (networks
//       spread over the threads; --block sets another size). Prints network_steps_per_second
//       (network-steps per wall second),
//       wall_seconds, cpu_seconds (all threads), the mean training loss over the first 10 000 samples
//       before and after (over the first min(M, --eval-networks) networks), and the FLOP rate.
//   network_throughput --case per_sample --batch 128 --reps R --threads P
//       per_sample_gradients of a batch (B × 13 002, row-major) R times; the batch method runs on the
//       calling thread, so P threads each take their own batches (throughput: batches per second).
//       Prints the Frobenius norm of G for the batch of samples 0 … B−1 at θ₀ (a checksum another
//       implementation can reproduce from --theta-out) and the relative difference between the mean
//       of G's rows and batch_gradient.
//   network_throughput --case hvp --samples 10000 --reps R --threads P
//       hessian_vector of the loss on the first N training samples (the full-data pass is parallel
//       over blocks of 256 samples), R products; v_j = sin(j + 1) (j = 0 … P−1, 0-based) so that
//       another implementation can form the same v. Prints ‖Hv‖ and the relative difference between
//       Hv and the central difference (∇L(θ + εv) − ∇L(θ − εv))/(2ε).
//   network_throughput --case clock
//       the core clock seen by a chain of dependent integer adds (one per cycle), for the FLOP peak.
// --theta-out FILE writes θ₀ (the Glorot init of particle 0, seed 1) as P little-endian doubles in
// the library's layout (W_l column-major n_l × n_{l−1}, then b_l, layer by layer).
#include <omp.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "sgdsde/data/dataset.hpp"
#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/nn/mlp.hpp"
#include "sgdsde/nn/network_loss.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/sgd.hpp"

using namespace sgdsde;

namespace {
constexpr std::uint64_t kSeed = 1;

struct Timer {
  std::chrono::steady_clock::time_point w0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  [[nodiscard]] double wall() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  }
  [[nodiscard]] double cpu() const { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }
};

std::shared_ptr<const data::Dataset> training_set() {
  data::Dataset train = data::load_mnist_split(data::kFashionMnistFolder, "train");
  const auto st = data::Standardisation::fit(train);
  st.apply(train);
  return std::make_shared<const data::Dataset>(std::move(train));
}

/// Multiply-adds of one forward pass per sample: Σ_l n_l n_{l−1}.
Index macs_per_sample(const nn::Mlp& net) {
  Index s = 0;
  for (int l = 1; l <= net.num_layers(); ++l) s += net.width(l) * net.width(l - 1);
  return s;
}

int run_sgd_case(const nn::Mlp& net, std::shared_ptr<const data::Dataset> data, Index B, Index M, long K,
                 int threads, double lr, Index eval_networks, double peak_gflops_core, Index block) {
  const Index N = data->size();
  if (B > N) {
    std::cerr << "network_throughput: error: --batch exceeds the training set\n";
    return 2;
  }
  const nn::NetworkLoss loss(net, data);
  const auto first10k =
      std::make_shared<const data::Dataset>(data::first_n(*data, std::min<Index>(N, 10000)));
  const Index P = net.num_params();
  Ensemble x(P, M);
  for (Index p = 0; p < M; ++p)
    x.col(p) = net.initial_parameters(nn::Init::glorot, kSeed, static_cast<std::uint32_t>(p)).array();
  const Index n_eval = std::min(M, eval_networks);
  const auto mean_loss = [&] {
    double s = 0.0;
    for (Index p = 0; p < n_eval; ++p) s += loss.evaluate(x.col(p).matrix(), *first10k).loss;
    return s / static_cast<double>(n_eval);
  };
  const double loss0 = mean_loss();
  SgdEnsemble sgd(loss, Sgd{}, ConstantLr{lr}, B, Sampling::with_replacement, kSeed);
  RunOptions opts;
  opts.n_steps = K;
  opts.block = block;  // default 1: one network per block, the networks spread over the threads
  const Timer t;
  const RunSummary summary = run_ensemble(sgd, x, opts);
  const double wall = t.wall(), cpu = t.cpu();
  const double loss1 = mean_loss();
  const double rate = static_cast<double>(M) * static_cast<double>(K) / wall;
  // FLOPs per network step. Nominal (the count): 6 B Σ_l n_l n_{l−1} (forward, backward
  // deltas, weight gradients, 2 flops per multiply-add each). Executed: the deltas are not propagated
  // to the inputs (layer 1 has no W_1ᵀΔ_1), so 4 B n_1 n_0 + 6 B Σ_{l≥2} n_l n_{l−1}; biases,
  // activations and softmax are O(B Σ n_l) and not counted.
  const auto s = static_cast<double>(macs_per_sample(net));
  const auto in_layer = static_cast<double>(net.width(1) * net.width(0));
  const double nominal = 6.0 * static_cast<double>(B) * s;
  const double executed = static_cast<double>(B) * (4.0 * in_layer + 6.0 * (s - in_layer));
  const double gflops_nom = nominal * rate * 1e-9, gflops_exe = executed * rate * 1e-9;
  const int used = static_cast<int>(std::min<Index>(threads, (M + block - 1) / block));  // blocks run
  std::printf(
      "case=sgd batch=%lld networks=%lld steps=%ld threads=%d block=%lld lr=%g params=%lld diverged=%lld\n",
      static_cast<long long>(B), static_cast<long long>(M), K, threads, static_cast<long long>(block), lr,
      static_cast<long long>(P), static_cast<long long>(summary.diverged));
  std::printf("loss_before=%.6f loss_after=%.6f eval_networks=%lld eval_samples=%lld\n", loss0, loss1,
              static_cast<long long>(n_eval), static_cast<long long>(first10k->size()));
  std::printf("flops_per_step_nominal=%.6e flops_per_step_executed=%.6e\n", nominal, executed);
  std::printf(
      "gflops_nominal=%.4f gflops_executed=%.4f threads_used=%d peak_gflops_per_core=%.2f "
      "fraction_of_peak_nominal=%.4f fraction_of_peak_executed=%.4f\n",
      gflops_nom, gflops_exe, used, peak_gflops_core, gflops_nom / (peak_gflops_core * used),
      gflops_exe / (peak_gflops_core * used));
  std::printf("wall_seconds=%.6f cpu_seconds=%.6f\n", wall, cpu);
  std::printf("network_steps_per_second=%.6e\n", rate);
  return 0;
}

int run_per_sample_case(const nn::Mlp& net, std::shared_ptr<const data::Dataset> data, Index B, long R,
                        int threads) {
  const nn::NetworkLoss loss(net, data);
  const Vec theta = net.initial_parameters(nn::Init::glorot, kSeed, 0);
  const Index N = data->size(), P = net.num_params();
  // Checksum: samples 0 … B−1 at θ₀.
  std::vector<Index> batch0(static_cast<std::size_t>(B));
  std::iota(batch0.begin(), batch0.end(), Index{0});
  nn::RowMat G0;
  loss.per_sample_gradients(theta, batch0, G0);
  Vec g;
  loss.batch_gradient(theta, batch0, g);
  const Vec mean_rows = G0.colwise().mean().transpose();
  const double rel = (mean_rows - g).norm() / g.norm();
  double sink = 0.0;
  const Timer t;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
  {
    nn::RowMat G;
    std::vector<Index> batch(static_cast<std::size_t>(B));
#pragma omp for schedule(static)
    for (long r = 0; r < R; ++r) {
      for (Index i = 0; i < B; ++i) batch[static_cast<std::size_t>(i)] = (static_cast<Index>(r) * B + i) % N;
      loss.per_sample_gradients(theta, batch, G);
      sink += G(0, 0);
    }
  }
  const double wall = t.wall(), cpu = t.cpu();
  std::printf("case=per_sample batch=%lld reps=%ld threads=%d params=%lld\n", static_cast<long long>(B), R,
              threads, static_cast<long long>(P));
  std::printf("G_frobenius=%.12e rows_mean_vs_batch_gradient_rel=%.3e sink=%.3e\n", G0.norm(), rel, sink);
  std::printf("wall_seconds=%.6f cpu_seconds=%.6f\n", wall, cpu);
  std::printf("batches_per_second=%.6e\n", static_cast<double>(R) / wall);
  return 0;
}

int run_hvp_case(const nn::Mlp& net, std::shared_ptr<const data::Dataset> data, Index N, long R,
                 int threads) {
  const auto sub = std::make_shared<const data::Dataset>(data::first_n(*data, std::min(N, data->size())));
  const nn::NetworkLoss loss(net, sub);
  const Vec theta = net.initial_parameters(nn::Init::glorot, kSeed, 0);
  const Index P = net.num_params();
  Vec v(P);
  for (Index j = 0; j < P; ++j) v[j] = std::sin(static_cast<double>(j + 1));
  Vec hv;
  loss.hessian_vector(theta, v, hv);  // warm-up (work spaces)
  // Central difference of gradients along v (unit step scaled to ‖v‖).
  const double eps = 1e-5 / v.norm() * std::sqrt(static_cast<double>(P));
  Vec gp, gm;
  loss.gradient(theta + eps * v, gp);
  loss.gradient(theta - eps * v, gm);
  const Vec fd = (gp - gm) / (2.0 * eps);
  const double rel = (hv - fd).norm() / hv.norm();
  const Timer t;
  for (long r = 0; r < R; ++r) loss.hessian_vector(theta, v, hv);
  const double wall = t.wall(), cpu = t.cpu();
  std::printf("case=hvp samples=%lld reps=%ld threads=%d params=%lld\n", static_cast<long long>(sub->size()),
              R, threads, static_cast<long long>(P));
  std::printf("hv_norm=%.12e hv_vs_central_difference_rel=%.3e fd_eps=%.3e\n", hv.norm(), rel, eps);
  std::printf("wall_seconds=%.6f cpu_seconds=%.6f\n", wall, cpu);
  std::printf("products_per_second=%.6e\n", static_cast<double>(R) / wall);
  return 0;
}

// One core's nominal double-precision peak for the ISA this binary was built for: 2 FMA units × the
// doubles per vector × 2 flops per cycle (AVX-512 32, AVX2 16); see docs/benchmarks.md for Zen 4,
// whose AVX-512 runs on 256-bit datapaths (16 flops/cycle).
#if defined(__AVX512F__)
constexpr double kFlopsPerCycle = 32.0;
#elif defined(__FMA__)
constexpr double kFlopsPerCycle = 16.0;
#else
constexpr double kFlopsPerCycle = 4.0;
#endif

/// GHz seen by a chain of dependent adds (latency 1 cycle): 8 per iteration, the loop counter apart
/// (per CPU second of this thread, which runs alone in the process at this point).
double measure_clock_ghz() {
  const long iters = 200'000'000;
  std::uint64_t a = 0;
  const Timer t;
  for (long i = 0; i < iters; ++i) {
    asm volatile(
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
        : "+r"(a));
  }
  // CPU time, not wall: on a shared machine the thread may be descheduled during the loop.
  return static_cast<double>(a) / t.cpu() * 1e-9;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"network_throughput: rates of the perceptron 784-16-16-10 on Fashion-MNIST"};
  std::string which = "sgd", theta_out;
  Index B = 128, M = 1, N = 10000, eval_networks = 8, block = 1;
  long K = 1000, R = 100;
  double lr = 0.1, clock_ghz = 0.0;
  int threads = omp_get_max_threads();
  app.add_option("--case", which, "sgd | per_sample | hvp | clock")
      ->check(CLI::IsMember({"sgd", "per_sample", "hvp", "clock"}));
  app.add_option("--batch", B, "batch size B")->check(CLI::Range(Index{1}, Index{1} << 16));
  app.add_option("--networks", M, "sgd: independent networks M")->check(CLI::Range(Index{1}, Index{1} << 20));
  app.add_option("--steps", K, "sgd: steps K")->check(CLI::Range(1L, 1L << 40));
  app.add_option("--reps", R, "per_sample / hvp: repetitions")->check(CLI::Range(1L, 1L << 40));
  app.add_option("--samples", N, "hvp: the first N training samples")
      ->check(CLI::Range(Index{1}, Index{60000}));
  app.add_option("--threads", threads, "OpenMP threads")->check(CLI::Range(1, 1024));
  app.add_option("--lr", lr, "sgd: learning rate")->check(CLI::PositiveNumber);
  app.add_option("--eval-networks", eval_networks, "sgd: networks whose loss is evaluated")
      ->check(CLI::Range(Index{1}, Index{1} << 20));
  app.add_option("--block", block, "sgd: networks per run_ensemble block (1: spread over the threads)")
      ->check(CLI::Range(Index{1}, Index{1} << 20));
  app.add_option("--clock-ghz", clock_ghz, "sgd: core clock for the FLOP peak (0: measure it)");
  app.add_option("--theta-out", theta_out, "write θ₀ (particle 0) as raw doubles");
  CLI11_PARSE(app, argc, argv);
  omp_set_num_threads(threads);
  try {
    const nn::Mlp net(nn::Architecture{});
    if (!theta_out.empty()) {
      const Vec theta = net.initial_parameters(nn::Init::glorot, kSeed, 0);
      std::ofstream f(theta_out, std::ios::binary);
      f.write(reinterpret_cast<const char*>(theta.data()), static_cast<std::streamsize>(theta.size() * 8));
    }
    if (which == "clock") {
      std::printf("clock_ghz=%.4f\n", measure_clock_ghz());
      return 0;
    }
    if (which == "sgd" && clock_ghz <= 0.0) clock_ghz = measure_clock_ghz();
    const double peak = kFlopsPerCycle * clock_ghz;
    const auto data = training_set();
    if (which == "sgd") {
      std::printf("clock_ghz=%.4f\n", clock_ghz);
      return run_sgd_case(net, data, B, M, K, threads, lr, eval_networks, peak, block);
    }
    if (which == "per_sample") return run_per_sample_case(net, data, B, R, threads);
    return run_hvp_case(net, data, N, R, threads);
  } catch (const std::exception& e) {
    std::cerr << "network_throughput: error: " << e.what() << '\n';
    return 1;
  }
}
