#pragma once
// The network of THEORY §9 built from an experiment's config: the data keys (data.path, data.train,
// data.test, data.train_eval, data.balanced, data.random_labels) and the network keys (net.widths,
// net.activation, net.loss, net.init, net.weight_decay), declared once here so that every network
// experiment reads the same way. The training statistics standardise all three data sets (seed 003).
#include <memory>
#include <string>

#include "sgdsde/data/dataset.hpp"
#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/nn/mlp.hpp"
#include "sgdsde/nn/network_loss.hpp"

namespace sgdsde {

struct NetworkSetup {
  std::shared_ptr<const data::Dataset> train;  ///< what SGD samples from
  std::shared_ptr<const data::Dataset>
      train_eval;  ///< the first data.train_eval training samples (loss/accuracy)
  std::shared_ptr<const data::Dataset> test;
  nn::Architecture architecture;
  nn::Init init = nn::Init::glorot;
  std::vector<Index> relabelled;  ///< training samples given random labels
  [[nodiscard]] nn::NetworkLoss loss() const { return nn::NetworkLoss(nn::Mlp(architecture), train); }
};

/// Declares the data.* and net.* keys on an experiment.
void declare_network_params(Experiment& exp);

/// Loads and prepares the data and the architecture from the config (InputError naming the file or
/// key on bad input); random labels use `seed`.
[[nodiscard]] NetworkSetup load_network_setup(const Config& c, std::uint64_t seed);

/// Provenance of the setup as attributes of `group` (sizes, architecture, data folder).
void write_network_setup(ResultsFile& f, const std::string& group, const NetworkSetup& s, const Config& c);

}  // namespace sgdsde
