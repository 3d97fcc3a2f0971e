// network_training (THEORY §9, seeds 001/003): the seed's 784-16-16-10 perceptron trained on
// Fashion-MNIST by minibatch SGD and the other optimizers of seed 003, M independent networks each
// (their own initialisation and batches), through the project's runner. Recorded along the run: the
// training loss and accuracy (on data.train_eval training samples) and the test loss and accuracy,
// per network and as mean ± sd over the networks.
// Checks: the initial cross-entropy at N(0, 0.01²) weights against ln 10 (|ℓ − ln 10| ≤ 2 max|z|,
// seed 003's sanity check); every optimizer lowers the training loss (by more than 5 se); plain
// SGD's final test accuracy above checks.min_test_accuracy (paper profile: 0.84; a 784-16-16-10
// network reaches about 0.85 on this data). Schema and checks: docs/experiments/network_training.md.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "sgdsde/ensemble/runner.hpp"
#include "sgdsde/ensemble/trace.hpp"
#include "sgdsde/harness/network_setup.hpp"
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/sgd.hpp"
#include "sgdsde/optim/update/optimizers.hpp"

using namespace sgdsde;

namespace {

constexpr const char* kOptimizers[] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Training curves of one optimizer: per record, mean and sd over the networks of the training
/// loss and accuracy and the test loss and accuracy.
struct Curves {
  std::vector<long> steps;
  std::vector<double> mean, sd;  ///< [record][4]
};

template <class O>
Curves train(const NetworkSetup& setup, const O& optimizer, double lr, Index B, Index M, long n_steps,
             long every, std::uint64_t seed) {
  const nn::NetworkLoss loss = setup.loss();
  SgdEnsemble model(loss, optimizer, ConstantLr{lr}, B, Sampling::shuffled_epochs, seed);
  Ensemble x(loss.dim(), M);
  for (Index p = 0; p < M; ++p)
    x.col(p) = loss.network().initial_parameters(setup.init, seed, static_cast<std::uint32_t>(p)).array();
  // Functionals of one network (evaluated on the calling thread; the networks run in parallel).
  const auto eval = [&](const Ensemble& xs, Index p, double* out) {
    const Vec theta = xs.col(p).matrix();
    const auto tr = loss.evaluate(theta, *setup.train_eval);
    const auto te = loss.evaluate(theta, *setup.test);
    out[0] = tr.loss;
    out[1] = tr.accuracy;
    out[2] = te.loss;
    out[3] = te.accuracy;
  };
  Trace trace({"train_loss", "train_accuracy", "test_loss", "test_accuracy"}, eval, RecordPlan{every, 0, -1},
              M);
  RunOptions opts;
  opts.n_steps = n_steps;
  // One network per block: the networks spread over the threads, and the block cut does not depend
  // on the thread count (a trace's sums are taken per block, so the cut is part of the result).
  opts.block = 1;
  const RunSummary summary = run_ensemble(model, x, opts, trace);
  if (summary.diverged > 0)
    throw NumericalError("network_training: a network diverged (lower the learning rate)");
  Curves c;
  c.steps = trace.steps();
  c.mean = trace.mean();
  c.sd = trace.sd();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "network_training",
      "The seed's 784-16-16-10 perceptron on Fashion-MNIST trained by SGD and the other optimizers: "
      "training and test loss and accuracy along the run");
  declare_network_params(exp);
  exp.param("networks", 4, "independent networks per optimizer (own initialisation and batches)", at_least(2))
      .param("batch", 32, "minibatch size B (shuffled epochs)", at_least(1), whole_numbers())
      .param("epochs", 20.0, "training epochs", positive())
      .param("records_per_epoch", 1, "records of the curves per epoch", at_least(1))
      .param(
          "optimizers", std::string("sgd,momentum,nesterov,adagrad,rmsprop,adam"),
          "comma-separated optimizers to train with",
          satisfies(
              [](const ParamValue& v) {
                const auto* s = std::get_if<std::string>(&v);
                if (!s || split(*s).empty()) return false;
                for (const auto& o : split(*s))
                  if (std::find(std::begin(kOptimizers), std::end(kOptimizers), o) == std::end(kOptimizers))
                    return false;
                return true;
              },
              "must list some of sgd, momentum, nesterov, adagrad, rmsprop, adam, separated by commas"))
      .param("lr.sgd", 0.5, "learning rate of plain SGD", positive())
      .param("lr.momentum", 0.05, "learning rate of heavy-ball momentum (rho = momentum.rho)", positive())
      .param("lr.nesterov", 0.05, "learning rate of Nesterov momentum", positive())
      .param("lr.adagrad", 0.05, "learning rate of AdaGrad", positive())
      .param("lr.rmsprop", 0.001, "learning rate of RMSProp", positive())
      .param("lr.adam", 0.001, "learning rate of Adam", positive())
      .param("momentum.rho", 0.9, "momentum rho of heavy ball and Nesterov", open_range(0.0, 1.0))
      .param("checks.min_test_accuracy", 0.84, "lower bound on plain SGD's final mean test accuracy",
             in_range(0.0, 1.0));

  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& c = ctx.config();
    auto& f = ctx.file();
    auto& checks = ctx.checks();
    const NetworkSetup setup = load_network_setup(c, ctx.seed());
    write_network_setup(f, "/network", setup, c);
    const Index M = c.get<std::int64_t>("networks"), B = c.get<std::int64_t>("batch");
    require(B <= setup.train->size(), "batch: B must be at most the number of training samples");
    const long per_epoch = setup.train->size() / B;
    const long every = std::max<long>(1, per_epoch / c.get<std::int64_t>("records_per_epoch"));
    const long n_steps = std::max<long>(
        every, std::lround(c.get<double>("epochs") * static_cast<double>(per_epoch)) / every * every);
    const double rho = c.get<double>("momentum.rho");
    ctx.log("network_training: " + std::to_string(nn::Mlp(setup.architecture).num_params()) +
            " parameters, " + std::to_string(setup.train->size()) + " training samples, " +
            std::to_string(n_steps) + " steps");

    std::uint64_t stream = 0;
    for (const std::string& name : split(c.get<std::string>("optimizers"))) {
      const double lr = c.get<double>("lr." + name);
      const std::uint64_t seed = ctx.seed() * 16 + (++stream);
      Curves cv;
      if (name == "sgd") cv = train(setup, Sgd{}, lr, B, M, n_steps, every, seed);
      if (name == "momentum") cv = train(setup, Momentum{rho}, lr, B, M, n_steps, every, seed);
      if (name == "nesterov") cv = train(setup, Nesterov{rho}, lr, B, M, n_steps, every, seed);
      if (name == "adagrad") cv = train(setup, AdaGrad{}, lr, B, M, n_steps, every, seed);
      if (name == "rmsprop") cv = train(setup, RmsProp{}, lr, B, M, n_steps, every, seed);
      if (name == "adam") cv = train(setup, Adam{}, lr, B, M, n_steps, every, seed);
      const std::string g = "/sgd/" + name;
      const Index R = static_cast<Index>(cv.steps.size());
      std::vector<double> epochs;
      for (const long k : cv.steps) epochs.push_back(static_cast<double>(k) / static_cast<double>(per_epoch));
      f.write(g + "/steps", std::span<const long>(cv.steps));
      f.write(g + "/epochs", std::span<const double>(epochs));
      f.write(g + "/mean", std::span<const double>(cv.mean), {static_cast<std::size_t>(R), 4});
      f.write(g + "/sd", std::span<const double>(cv.sd), {static_cast<std::size_t>(R), 4});
      f.set_attribute(g, "columns", std::string("train_loss,train_accuracy,test_loss,test_accuracy"));
      f.set_attribute(g, "learning_rate", lr);
      f.set_attribute(g, "networks", static_cast<std::int64_t>(M));
      f.set_attribute(g, "batch", static_cast<std::int64_t>(B));
      const double sqrtM = std::sqrt(static_cast<double>(M));
      const auto at = [&](Index r, int col) { return cv.mean[static_cast<std::size_t>(r * 4 + col)]; };
      const auto se = [&](Index r, int col) { return cv.sd[static_cast<std::size_t>(r * 4 + col)] / sqrtM; };
      // Every optimizer lowers the training loss: final − initial below −5 se.
      const double drop = at(R - 1, 0) - at(0, 0), drop_se = std::hypot(se(R - 1, 0), se(0, 0));
      checks.add_upper("network_training/" + name + ": training loss decreases (final - initial)", drop,
                       drop_se, -5.0 * drop_se,
                       "final minus initial mean training loss, below -5 standard errors");
      if (name == "sgd")
        checks.add_lower("network_training/sgd: final test accuracy", at(R - 1, 3), se(R - 1, 3),
                         c.get<double>("checks.min_test_accuracy"),
                         "mean over the networks of the final test accuracy");
    }
    // Seed 003's sanity check, on M networks at N(0, 0.01²) weights (whatever net.init trains with):
    // the initial cross-entropy is ln C, within 2 max|z| (ℓ = lse(z) − z_y, |lse(z) − ln C| ≤ max|z|).
    if (setup.architecture.loss == nn::OutputLoss::cross_entropy) {
      const nn::NetworkLoss loss = setup.loss();
      double zmax = 0.0;
      Vec initial(M);
      for (Index p = 0; p < M; ++p) {
        const Vec theta = loss.network().initial_parameters(nn::Init::small_normal, ctx.seed(),
                                                            static_cast<std::uint32_t>(p));
        nn::Workspace ws;
        initial[p] =
            loss.network().forward(theta.data(), setup.train_eval->X, setup.train_eval->y.data(), ws) /
            static_cast<double>(setup.train_eval->size());
        zmax = std::max(zmax, ws.Z.back().cwiseAbs().maxCoeff());
      }
      const double se = std::sqrt((initial.array() - initial.mean()).square().sum() /
                                  static_cast<double>(M - 1) / static_cast<double>(M));
      f.write("/initial/small_init_loss",
              std::span<const double>(initial.data(), static_cast<std::size_t>(M)));
      f.set_attribute("/initial", "max_abs_logit", zmax);
      checks.add("network_training: initial cross-entropy at N(0, 0.01^2) weights = ln C", initial.mean(), se,
                 std::log(static_cast<double>(setup.train->n_classes)), 2.0 * zmax,
                 "mean initial training loss of M small-init networks; tolerance 2 max|z| over their logits");
    }
  });
}
