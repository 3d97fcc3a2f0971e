// fp::mean_first_passage_times (include/sgdsde/fokker_planck/mfpt.hpp), compiled once for Dim = 1, 2, 3.
#include "sgdsde/fokker_planck/mfpt.hpp"

namespace sgdsde::fp {

template <int Dim>
Vec mean_first_passage_times(const Generator<Dim>& gen, const std::vector<std::uint8_t>& target, double s) {
  const Grid<Dim>& grid = gen.grid();
  const Index N = grid.size();
  require(static_cast<Index>(target.size()) == N, "fokker_planck mfpt: one target flag per cell");
  bool any = false;
  for (const auto t : target) any = any || t != 0;
  require(any, "fokker_planck mfpt: the target set is empty");
  const SpMat At = SpMat(gen.assemble(s).transpose());
  std::vector<Eigen::Triplet<double, int>> trip;
  trip.reserve(static_cast<std::size_t>(At.nonZeros()));
  for (int col = 0; col < At.outerSize(); ++col)
    for (SpMat::InnerIterator it(At, col); it; ++it)
      if (!target[static_cast<std::size_t>(it.row())]) trip.emplace_back(int(it.row()), col, it.value());
  Vec rhs(N);
  for (Index k = 0; k < N; ++k) {
    if (target[static_cast<std::size_t>(k)]) {
      trip.emplace_back(int(k), int(k), 1.0);
      rhs[k] = 0.0;
    } else {
      rhs[k] = -1.0;
    }
  }
  SpMat M(N, N);
  M.setFromTriplets(trip.begin(), trip.end());
  M.makeCompressed();
  const bool mixed = gen.diffusion().kind() == Diffusion::Kind::full && Dim > 1;
  GridLU<Dim> lu(grid, !mixed);
  lu.factorize(M);
  Vec u(N);
  lu.solve(rhs, u);
  if (!u.allFinite()) throw NumericalError("fokker_planck mfpt: non-finite solution");
  return u;
}

template Vec mean_first_passage_times<1>(const Generator<1>&, const std::vector<std::uint8_t>&, double);
template Vec mean_first_passage_times<2>(const Generator<2>&, const std::vector<std::uint8_t>&, double);
template Vec mean_first_passage_times<3>(const Generator<3>&, const std::vector<std::uint8_t>&, double);

}  // namespace sgdsde::fp
