#include "sgdsde/harness/network_setup.hpp"

#include <cmath>

#include "sgdsde/core/errors.hpp"

namespace sgdsde {

void declare_network_params(Experiment& exp) {
  exp.param("data.path", std::string(data::kFashionMnistFolder),
            "folder of the (Fashion-)MNIST IDX files (train-/t10k-images-idx3-ubyte[.gz], "
            "…-labels-idx1-ubyte[.gz])")
      .param("data.train", 0, "training samples (0: all 60000)", non_negative(), whole_numbers())
      .param("data.balanced", true, "subsets with equal class counts (else the first samples)")
      .param("data.test", 0, "test samples (0: all 10000)", non_negative(), whole_numbers())
      .param("data.train_eval", 10000, "training samples on which the training loss/accuracy are evaluated",
             at_least(1), whole_numbers())
      .param("data.random_labels", 0.0, "fraction of training samples given uniformly random labels",
             in_range(0.0, 1.0))
      .param("net.widths", std::vector<double>{784, 16, 16, 10},
             "layer widths n_0 ... n_L (n_0 = 784 pixels)", whole_numbers(), min_size(2), positive())
      .param("net.activation", std::string("sigmoid"), "hidden activation",
             one_of({"sigmoid", "tanh", "relu", "gelu"}))
      .param("net.loss", std::string("cross_entropy"),
             "output loss (softmax cross-entropy or seed 001's squared error)",
             one_of({"cross_entropy", "squared_error"}))
      .param("net.init", std::string("glorot"), "weight initialisation: N(0, 0.01^2), Glorot or He",
             one_of({"normal", "glorot", "he"}))
      .param("net.weight_decay", 0.0, "L2 weight decay lambda on the weights", non_negative());
}

NetworkSetup load_network_setup(const Config& c, std::uint64_t seed) {
  NetworkSetup s;
  const std::string folder = c.get<std::string>("data.path");
  data::Dataset train = data::load_mnist_split(folder, "train");
  data::Dataset test = data::load_mnist_split(folder, "test");
  const bool balanced = c.get<bool>("data.balanced");
  const auto subset = [&](const data::Dataset& d, std::int64_t n) {
    if (n == 0 || n == d.size()) return d;
    return balanced ? data::class_balanced(d, n) : data::first_n(d, n);
  };
  train = subset(train, c.get<std::int64_t>("data.train"));
  test = subset(test, c.get<std::int64_t>("data.test"));
  const data::Standardisation st = data::Standardisation::fit(train);
  st.apply(train);
  st.apply(test);
  const Index n_eval = std::min<Index>(c.get<std::int64_t>("data.train_eval"), train.size());
  s.relabelled = data::randomise_labels(train, c.get<double>("data.random_labels"), seed);
  s.train_eval = std::make_shared<const data::Dataset>(data::first_n(train, n_eval));
  s.train = std::make_shared<const data::Dataset>(std::move(train));
  s.test = std::make_shared<const data::Dataset>(std::move(test));

  s.architecture.widths.clear();
  for (const double w : c.get<std::vector<double>>("net.widths"))
    s.architecture.widths.push_back(std::lround(w));
  require(s.architecture.widths.front() == s.train->features(),
          "net.widths: the first width must be the number of pixels, " + std::to_string(s.train->features()));
  require(s.architecture.widths.back() == s.train->n_classes,
          "net.widths: the last width must be the number of classes, " + std::to_string(s.train->n_classes));
  s.architecture.activation = nn::parse_activation(c.get<std::string>("net.activation"));
  s.architecture.loss = nn::parse_output_loss(c.get<std::string>("net.loss"));
  s.architecture.weight_decay = c.get<double>("net.weight_decay");
  s.init = nn::parse_init(c.get<std::string>("net.init"));
  return s;
}

void write_network_setup(ResultsFile& f, const std::string& group, const NetworkSetup& s, const Config& c) {
  f.create_group(group);
  f.set_attribute(group, "data_path", c.get<std::string>("data.path"));
  f.set_attribute(group, "train_samples", static_cast<std::int64_t>(s.train->size()));
  f.set_attribute(group, "test_samples", static_cast<std::int64_t>(s.test->size()));
  f.set_attribute(group, "train_eval_samples", static_cast<std::int64_t>(s.train_eval->size()));
  f.set_attribute(group, "relabelled_samples", static_cast<std::int64_t>(s.relabelled.size()));
  f.set_attribute(group, "parameters", static_cast<std::int64_t>(nn::Mlp(s.architecture).num_params()));
  f.set_attribute(group, "activation", std::string(nn::to_string(s.architecture.activation)));
  f.set_attribute(group, "loss", std::string(nn::to_string(s.architecture.loss)));
  f.set_attribute(group, "init", std::string(nn::to_string(s.init)));
  f.set_attribute(group, "weight_decay", s.architecture.weight_decay);
}

}  // namespace sgdsde
