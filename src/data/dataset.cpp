#include "sgdsde/data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sgdsde/core/errors.hpp"
#include "sgdsde/core/rng.hpp"
#include "sgdsde/data/idx.hpp"

namespace sgdsde::data {

Dataset load_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels,
                      int n_classes) {
  require(n_classes >= 2 && n_classes <= 256, "data: the number of classes must be in [2, 256]");
  const IdxArray img = read_idx(images, 3);
  const IdxArray lab = read_idx(labels, 1);
  if (img.dims[0] != lab.dims[0])
    throw InputError(labels.string() + ": " + std::to_string(lab.dims[0]) + " labels for " +
                     std::to_string(img.dims[0]) + " images in " + images.string());
  const Index N = img.dims[0];
  const Index F = Index{img.dims[1]} * Index{img.dims[2]};
  Dataset d;
  d.n_classes = n_classes;
  d.X.resize(F, N);
  const std::uint8_t* p = img.bytes.data();
  for (Index i = 0; i < N; ++i)
    for (Index j = 0; j < F; ++j) d.X(j, i) = static_cast<double>(*p++) / 255.0;
  d.y.resize(static_cast<std::size_t>(N));
  for (Index i = 0; i < N; ++i) {
    const std::uint8_t c = lab.bytes[static_cast<std::size_t>(i)];
    if (c >= n_classes)
      throw InputError(labels.string() + ": label " + std::to_string(c) + " of sample " + std::to_string(i) +
                       " is not below the number of classes " + std::to_string(n_classes));
    d.y[static_cast<std::size_t>(i)] = c;
  }
  return d;
}

Dataset load_mnist_split(const std::filesystem::path& folder, const std::string& split) {
  require(split == "train" || split == "test", "data: split must be train or test, not " + split);
  const std::string stem = split == "train" ? "train" : "t10k";
  const auto pick = [&](const std::string& base) {
    const auto gz = folder / (base + ".gz");
    std::error_code ec;
    if (std::filesystem::exists(gz, ec) || !std::filesystem::exists(folder / base, ec)) return gz;
    return folder / base;
  };
  return load_idx_pair(pick(stem + "-images-idx3-ubyte"), pick(stem + "-labels-idx1-ubyte"), 10);
}

Standardisation Standardisation::fit(const Dataset& train) {
  require(train.size() >= 1, "standardisation: empty training set");
  Standardisation s;
  s.mean = train.X.rowwise().mean();
  const double ms = (train.X.colwise() - s.mean).squaredNorm() / static_cast<double>(train.X.size());
  require(ms > 0.0, "standardisation: the training inputs are all equal");
  s.scale = std::sqrt(ms);
  return s;
}

void Standardisation::apply(Dataset& d) const {
  require(d.features() == mean.size(), "standardisation: the data have another number of features");
  d.X = (d.X.colwise() - mean) / scale;
}

namespace {
Dataset take(const Dataset& d, const std::vector<Index>& idx) {
  Dataset out;
  out.n_classes = d.n_classes;
  out.X.resize(d.features(), static_cast<Index>(idx.size()));
  out.y.resize(idx.size());
  for (std::size_t k = 0; k < idx.size(); ++k) {
    out.X.col(static_cast<Index>(k)) = d.X.col(idx[k]);
    out.y[k] = d.y[static_cast<std::size_t>(idx[k])];
  }
  return out;
}
}  // namespace

Dataset first_n(const Dataset& d, Index n) {
  require(n >= 1 && n <= d.size(), "data: a subset of " + std::to_string(n) + " samples from " +
                                       std::to_string(d.size()) + " is not possible");
  std::vector<Index> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), Index{0});
  return take(d, idx);
}

Dataset class_balanced(const Dataset& d, Index n) {
  require(n >= 1 && n <= d.size(), "data: a balanced subset of " + std::to_string(n) + " samples from " +
                                       std::to_string(d.size()) + " is not possible");
  const Index C = d.n_classes;
  std::vector<Index> want(static_cast<std::size_t>(C));
  for (Index c = 0; c < C; ++c) want[static_cast<std::size_t>(c)] = n / C + (c < n % C ? 1 : 0);
  std::vector<Index> idx;
  idx.reserve(static_cast<std::size_t>(n));
  for (Index i = 0; i < d.size(); ++i) {
    auto& w = want[static_cast<std::size_t>(d.y[static_cast<std::size_t>(i)])];
    if (w > 0) {
      --w;
      idx.push_back(i);
    }
  }
  for (Index c = 0; c < C; ++c)
    require(want[static_cast<std::size_t>(c)] == 0, "data: class " + std::to_string(c) +
                                                        " has too few samples for a balanced subset of " +
                                                        std::to_string(n));
  return take(d, idx);
}

std::vector<Index> randomise_labels(Dataset& d, double fraction, std::uint64_t seed) {
  require(fraction >= 0.0 && fraction <= 1.0, "data: the fraction of random labels must be in [0, 1]");
  require(d.size() <= Index{0xFFFFFFFF}, "data: at most 2^32 - 1 samples");
  const Index N = d.size();
  const auto n = static_cast<Index>(std::llround(fraction * static_cast<double>(N)));
  const CounterRng rng(seed);
  // A random permutation: sort the samples by a 64-bit key of their own (ties, of probability
  // ~N²/2^65, broken by index), then take the first n.
  std::vector<std::pair<std::uint64_t, Index>> key(static_cast<std::size_t>(N));
  for (Index i = 0; i < N; ++i) {
    const Words4 w = rng.bits(static_cast<std::uint32_t>(i), 0, CounterRng::slot(Purpose::data, 0x4C00));
    key[static_cast<std::size_t>(i)] = {(std::uint64_t{w[0]} << 32) | w[1], i};
  }
  std::sort(key.begin(), key.end());
  std::vector<Index> chosen(static_cast<std::size_t>(n));
  for (Index k = 0; k < n; ++k) chosen[static_cast<std::size_t>(k)] = key[static_cast<std::size_t>(k)].second;
  std::sort(chosen.begin(), chosen.end());
  for (const Index i : chosen) {
    const Words4 w = rng.bits(static_cast<std::uint32_t>(i), 0, CounterRng::slot(Purpose::data, 0x4C00));
    d.y[static_cast<std::size_t>(i)] =
        static_cast<std::int32_t>(CounterRng::below(w[2], static_cast<std::uint32_t>(d.n_classes)));
  }
  return chosen;
}

}  // namespace sgdsde::data
