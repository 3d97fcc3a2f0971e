#pragma once
// A labelled data set for the network (THEORY §9): inputs as the columns of a matrix, integer labels,
// and what the protocols of seeds 001/003 and of the sharp-minimum study do to it — centring and
// normalisation from the training statistics, subsets (the first N, or N balanced over the classes),
// and random labels on a chosen fraction of the samples.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sgdsde/core/types.hpp"

namespace sgdsde::data {

struct Dataset {
  Mat X;                        ///< n_features × N; column i is sample i
  std::vector<std::int32_t> y;  ///< N labels in [0, n_classes)
  int n_classes = 0;
  [[nodiscard]] Index size() const { return X.cols(); }
  [[nodiscard]] Index features() const { return X.rows(); }
};

/// Images (rank-3 IDX: count × rows × cols) and labels (rank-1 IDX) into a Dataset with pixels
/// scaled to [0, 1]. InputError naming the file when the counts differ or a label is ≥ n_classes.
[[nodiscard]] Dataset load_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels,
                                    int n_classes);

/// Fashion-MNIST (or MNIST) from `folder` in its usual file names: split "train"
/// (train-images-idx3-ubyte[.gz], 60 000) or "test" (t10k-…, 10 000); the .gz file is preferred,
/// the plain one taken when it is the only one.
[[nodiscard]] Dataset load_mnist_split(const std::filesystem::path& folder, const std::string& split);

/// The folder of Debian's dataset-fashion-mnist package.
inline const char* const kFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

/// Centring and normalisation (seed 003) from the TRAINING statistics, applied alike to training and
/// test data: x ← (x − μ)/s with μ the per-feature mean and s one global scale, the root mean square
/// of the centred training inputs (a per-feature scale would divide by 0 on the always-black border
/// pixels).
struct Standardisation {
  Vec mean;
  double scale = 1.0;
  [[nodiscard]] static Standardisation fit(const Dataset& train);
  void apply(Dataset& d) const;
};

/// The first n samples (in file order).
[[nodiscard]] Dataset first_n(const Dataset& d, Index n);
/// n samples with the classes as equal as possible (class c gets ⌊n/C⌋, plus one for c < n mod C):
/// the first ones of each class in file order, kept in file order. InputError if a class has too few.
[[nodiscard]] Dataset class_balanced(const Dataset& d, Index n);

/// Replaces the labels of round(fraction·N) samples, chosen by a seeded random permutation, with
/// labels drawn uniformly from the C classes (so about 1/C of them keep their class by chance: the
/// "random labels" of Zhang et al. 2017). Deterministic in (seed, N). Returns the chosen sample
/// indices, ascending.
std::vector<Index> randomise_labels(Dataset& d, double fraction, std::uint64_t seed);

}  // namespace sgdsde::data
