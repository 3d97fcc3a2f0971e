// The landscape-independent members of fp::Generator (include/sgdsde/fokker_planck/generator.hpp),
// compiled once for Dim = 1, 2, 3.
#include "sgdsde/fokker_planck/generator.hpp"

namespace sgdsde::fp {

template <int Dim>
SpMat Generator<Dim>::assemble(double s) const {
  const Index N = grid_.size();
  std::vector<Eigen::Triplet<double, int>> trip;
  const bool mixed = offdiag_.size() > 0;
  trip.reserve(static_cast<std::size_t>(N) * (4 * Dim + (mixed ? 12 * Dim * (Dim - 1) : 0)));
  const double inv_s = 1.0 / s;
  for (int a = 0; a < Dim; ++a) {
    const double inv_h2 = 1.0 / (grid_.spacing(a) * grid_.spacing(a));
    const Index st = grid_.stride(a), na = grid_.cells(a);
    for (Index k = 0; k < N; ++k) {
      if ((k / st) % na == na - 1) continue;
      const Index kp = k + st;
      const double z = zphi_[a][k] * inv_s + zlog_[a][k];
      const double w = s * dface_[a][k] * inv_h2;
      const double alpha = w * bernoulli(z), beta = w * bernoulli(-z);
      // Flux F = α p_k − β p_kp (times h) leaves k and enters kp.
      trip.emplace_back(int(k), int(k), -alpha);
      trip.emplace_back(int(k), int(kp), beta);
      trip.emplace_back(int(kp), int(k), alpha);
      trip.emplace_back(int(kp), int(kp), -beta);
    }
  }
  if (mixed) add_mixed(s, trip);
  SpMat A(N, N);
  A.setFromTriplets(trip.begin(), trip.end());
  A.makeCompressed();
  return A;
}

template <int Dim>
void Generator<Dim>::add_mixed(double s, std::vector<Eigen::Triplet<double, int>>& trip) const {
  const Index N = grid_.size();
  for (int a = 0; a < Dim; ++a) {
    const Index sta = grid_.stride(a), na = grid_.cells(a);
    const double ha = grid_.spacing(a);
    for (int b = 0; b < Dim; ++b) {
      if (b == a) continue;
      const Index stb = grid_.stride(b), nb = grid_.cells(b);
      const double hb = grid_.spacing(b);
      for (Index k = 0; k < N; ++k) {
        if ((k / sta) % na == na - 1) continue;
        const Index kp = k + sta;
        for (const Index c : {k, kp}) {
          // δ_b q(c) = Σ w_m q(m): coefficients on the cells m.
          const Index ib = (c / stb) % nb;
          Index m_lo = c, m_hi = c;
          double width = hb;
          if (ib > 0 && ib < nb - 1) {
            m_lo = c - stb;
            m_hi = c + stb;
            width = 2.0 * hb;
          } else if (ib == 0) {
            m_hi = c + stb;
          } else {
            m_lo = c - stb;
          }
          // Face flux contribution (per unit area): −½ δ_b q(c); divided by h_a for the divergence.
          const double f = -0.5 * s / (width * ha);
          const double q_hi = offdiag_(a + Dim * b, m_hi), q_lo = offdiag_(a + Dim * b, m_lo);
          // F adds to the loss of k and the gain of kp.
          trip.emplace_back(int(k), int(m_hi), -f * q_hi);
          trip.emplace_back(int(k), int(m_lo), f * q_lo);
          trip.emplace_back(int(kp), int(m_hi), f * q_hi);
          trip.emplace_back(int(kp), int(m_lo), -f * q_lo);
        }
      }
    }
  }
}

template <int Dim>
Vec Generator<Dim>::checked_diagonal(const Vec& x) const {
  Vec d = diffusion_.diagonal_at(x);
  require(d.size() == Dim, "fokker_planck diffusion: the diagonal field must return Dim entries");
  require(d.allFinite() && (d.array() > 0.0).all(),
          "fokker_planck diffusion: D must be positive (a diagonal entry is <= 0 or not finite at " +
              point_string(x) + ")");
  return d;
}
template <int Dim>
std::string Generator<Dim>::point_string(const Vec& x) {
  std::string s = "(";
  for (Index i = 0; i < x.size(); ++i) s += (i ? ", " : "") + std::to_string(x[i]);
  return s + ")";
}

template class Generator<1>;
template class Generator<2>;
template class Generator<3>;

}  // namespace sgdsde::fp
