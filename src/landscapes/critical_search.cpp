// The dense linear algebra of landscapes/critical_search.hpp, compiled once (Eigen's eigensolver
// and LU are heavy to instantiate in every file that includes the header).
#include "sgdsde/landscapes/critical_search.hpp"

#include <cmath>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>

namespace sgdsde {

Vec symmetric_eigenvalues(const Mat& H) {
  if (H.rows() == 1) return Vec::Constant(1, H(0, 0));
  if (H.rows() == 2) {
    const double m = 0.5 * (H(0, 0) + H(1, 1)), h = 0.5 * (H(0, 0) - H(1, 1));
    const double r = std::hypot(h, H(0, 1));
    Vec ev(2);
    ev << m - r, m + r;
    return ev;
  }
  return Eigen::SelfAdjointEigenSolver<Mat>(H, Eigen::EigenvaluesOnly).eigenvalues();
}

CriticalKind classify_hessian(const Mat& H) {
  const Vec ev = symmetric_eigenvalues(H);
  if ((ev.array() > 0.0).all()) return CriticalKind::minimum;
  if ((ev.array() < 0.0).all()) return CriticalKind::maximum;
  return CriticalKind::saddle;
}

bool hessian_is_degenerate(const Mat& H, double rel_tol) {
  const Vec ev = symmetric_eigenvalues(H);
  const double scale = ev.cwiseAbs().maxCoeff();
  return scale == 0.0 || ev.cwiseAbs().minCoeff() <= rel_tol * scale;
}

namespace detail {
bool newton_solve(const Mat& H, const Vec& g, Vec& step) {
  if (H.rows() == 1) {
    if (H(0, 0) == 0.0) return false;
    step[0] = g[0] / H(0, 0);
  } else if (H.rows() == 2) {
    const double det = H(0, 0) * H(1, 1) - H(0, 1) * H(1, 0);
    if (det == 0.0) return false;
    step[0] = (H(1, 1) * g[0] - H(0, 1) * g[1]) / det;
    step[1] = (H(0, 0) * g[1] - H(1, 0) * g[0]) / det;
  } else {
    Eigen::FullPivLU<Mat> lu(H);
    if (!lu.isInvertible()) return false;
    step = lu.solve(g);
  }
  return step.allFinite();
}
}  // namespace detail

}  // namespace sgdsde
