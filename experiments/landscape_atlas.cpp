// landscape_atlas: every analytic landscape sampled on its box (values, gradients) with its
// critical points (location, kind, value, Hessian eigenvalues), one group per landscape, and
// checks that the listed critical points are what they claim (∇L = 0, Hessian signs, value).
// Schema: docs/results-schema.md (section landscape_atlas).
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sgdsde/harness/experiment.hpp"
#include "sgdsde/landscapes/landscapes.hpp"

using namespace sgdsde;

namespace {

// ---- construction from the config (one overload per landscape that takes parameters) ----------
template <class L>
L make(std::type_identity<L>, const Config&) requires std::is_default_constructible_v<L> {
  return L{};
}
DoubleWell make(std::type_identity<DoubleWell>, const Config& c) {
  return DoubleWell(c.get<double>("double_well.tilt"));
}
FlatSharpWells make(std::type_identity<FlatSharpWells>, const Config& c) {
  return FlatSharpWells(c.get<double>("flat_sharp_wells.curvature_ratio"));
}
Quadratic make(std::type_identity<Quadratic>, const Config& c) {
  const auto h = c.get<std::vector<double>>("quadratic.curvatures");
  return Quadratic::diagonal(Eigen::Map<const Vec>(h.data(), static_cast<Index>(h.size())));
}
LogCoshWells make(std::type_identity<LogCoshWells>, const Config& c) {
  return LogCoshWells(c.get<std::int64_t>("log_cosh_wells.dim"));
}
RotatedDoubleWells make(std::type_identity<RotatedDoubleWells>, const Config& c) {
  return RotatedDoubleWells(c.get<std::int64_t>("rotated_double_wells.dim"));
}

template <class L>
concept Constructible = requires(const Config& c) {
  make(std::type_identity<L>{}, c);
};

bool selected(const std::string& list, std::string_view name) {
  if (list == "all") return true;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item == name) return true;
  return false;
}

// ---- sampling ----------------------------------------------------------------------------------
template <class L>
void sample(const L& l, RunContext& ctx, Index n, Progress& progress) {
  auto& out = ctx.file();
  auto& checks = ctx.checks();
  const std::string name(L::config_name);
  const std::string g = "/landscapes/" + name;
  const Index d = l.dim();
  const Box box = l.box();
  const auto cps = l.critical_points();
  out.create_group(g);
  out.set_attribute(g, "name", l.name());
  out.set_attribute(g, "dim", static_cast<std::int64_t>(d));
  out.set_attribute(g, "box_lo", std::vector<double>(box.lo.data(), box.lo.data() + d));
  out.set_attribute(g, "box_hi", std::vector<double>(box.hi.data(), box.hi.data() + d));

  // The plane sampled: axes (0) or (0, 1) through `origin` (the lowest minimum for d > 2).
  Vec origin = Vec::Zero(d);
  if (d > 2) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& cp : cps)
      if (cp.kind == CriticalKind::minimum && cp.value < best) {
        best = cp.value;
        origin = cp.location;
      }
    out.set_attribute(g, "slice_axes", std::vector<std::int64_t>{0, 1});
    out.set_attribute(g, "slice_origin", std::vector<double>(origin.data(), origin.data() + d));
  }
  const Index axes = std::min<Index>(d, 2);
  std::vector<Vec> grid(static_cast<std::size_t>(axes));
  for (Index a = 0; a < axes; ++a) grid[a] = Vec::LinSpaced(n, box.lo[a], box.hi[a]);
  out.write(g + "/x", grid[0]);
  if (axes == 2) out.write(g + "/y", grid[1]);

  const Index ny = axes == 2 ? n : 1;
  // value(i, j) = L at (x_i, y_j); gradient(k, i, j) = ∂L/∂θ_k there (k over the sampled axes).
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> value(n, ny);
  std::vector<double> gradient(static_cast<std::size_t>(axes * n * ny));
  double grid_min = std::numeric_limits<double>::infinity();
#pragma omp parallel reduction(min : grid_min)
  {
    Vec x = origin, gr(d);
#pragma omp for schedule(dynamic, 4)
    for (Index i = 0; i < n; ++i) {
      for (Index j = 0; j < ny; ++j) {
        x[0] = grid[0][i];
        if (axes == 2) x[1] = grid[1][j];
        value(i, j) = l.value(x);
        grid_min = std::min(grid_min, value(i, j));
        l.gradient(x, gr);
        for (Index k = 0; k < axes; ++k) gradient[static_cast<std::size_t>((k * n + i) * ny + j)] = gr[k];
      }
      progress.add(1);
    }
  }
  if (axes == 1) {
    out.write(g + "/value", Eigen::VectorXd(value.col(0)));
    out.write(g + "/gradient", gradient);
  } else {
    out.write(g + "/value", value);
    out.write(g + "/gradient", gradient,
              {static_cast<std::size_t>(axes), static_cast<std::size_t>(n), static_cast<std::size_t>(ny)});
  }

  // ---- critical points and their checks ------------------------------------------------------
  const auto k = static_cast<Index>(cps.size());
  Mat location(k, d), eigenvalues(k, d);
  std::vector<std::string> kinds;
  std::vector<double> values, gradient_norms;
  double lowest_minimum = std::numeric_limits<double>::infinity();
  Vec gr(d);
  Mat H(d, d);
  double max_rel_grad = 0, max_value_err = 0;
  Index wrong_signs = 0;
  for (Index c = 0; c < k; ++c) {
    const auto& cp = cps[static_cast<std::size_t>(c)];
    location.row(c) = cp.location.transpose();
    kinds.emplace_back(to_string(cp.kind));
    values.push_back(cp.value);
    l.gradient(cp.location, gr);
    l.hessian(cp.location, H);
    const Vec ev = Eigen::SelfAdjointEigenSolver<Mat>(H, Eigen::EigenvaluesOnly).eigenvalues();
    eigenvalues.row(c) = ev.transpose();
    gradient_norms.push_back(gr.norm());
    if (cp.kind == CriticalKind::minimum) lowest_minimum = std::min(lowest_minimum, cp.value);

    // Per point: |∇L| relative to the Hessian scale, eigenvalues of the wrong sign, value error.
    const double scale =
        std::max(1.0, ev.cwiseAbs().maxCoeff() * std::max(1.0, cp.location.cwiseAbs().maxCoeff()));
    max_rel_grad = std::max(max_rel_grad, gr.norm() / scale);
    const auto neg = (ev.array() < 0).count(), pos = (ev.array() > 0).count();
    wrong_signs += cp.kind == CriticalKind::minimum   ? d - pos
                   : cp.kind == CriticalKind::maximum ? d - neg
                                                      : ((neg > 0 && pos > 0) ? 0 : 1);
    max_value_err = std::max(max_value_err,
                             std::abs(l.value(cp.location) - cp.value) / std::max(1.0, std::abs(cp.value)));
  }
  const double grad_tol = ctx.config().get<double>("checks.gradient_tol");
  // Properties of the landscapes' closed forms, not of any dynamics: identities, not claims.
  checks.add_identity(
      name + ": max |grad L| / scale at critical points", max_rel_grad, 0.0, grad_tol,
      "every listed critical point has a vanishing gradient (scale = max(1, |H| max(1, |x|)))");
  checks.add_identity(name + ": Hessian eigenvalues of the wrong sign", static_cast<double>(wrong_signs), 0.0,
                      0.0, "minima: all > 0, maxima: all < 0, saddles: both signs");
  checks.add_identity(name + ": max relative error of listed values", max_value_err, 0.0, 1e-12,
                      "the listed value equals L at the listed location");
  out.create_group(g + "/critical_points");
  out.write(g + "/critical_points/location", location);
  out.write_strings(g + "/critical_points/kind", kinds);
  out.write(g + "/critical_points/value", values);
  out.write(g + "/critical_points/hessian_eigenvalues", eigenvalues);
  out.write(g + "/critical_points/gradient_norm", gradient_norms);
  if (d <= 2 && std::isfinite(lowest_minimum)) {
    // No sampled point lies below the lowest listed minimum (the ground truth misses no deeper well).
    checks.add_lower(name + ": grid minimum >= lowest listed minimum", grid_min, 0.0,
                     lowest_minimum - 1e-9 * std::max(1.0, std::abs(lowest_minimum)),
                     "sampled values never go below the lowest listed minimum");
    checks.set_role(name + ": grid minimum >= lowest listed minimum", io::CheckRole::identity);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp(
      "landscape_atlas",
      "Writes every landscape sampled on its box (values, gradients) with its critical points (kind, "
      "value, Hessian eigenvalues), one group per landscape.");
  std::string names;
  for (auto nm : landscape_config_names) names += (names.empty() ? "" : ", ") + std::string(nm);
  exp.param("grid.n", 101, "grid points per axis", at_least(3))
      .param("landscapes", "all", "'all' or a comma-separated list of: " + names,
             satisfies(
                 [](const ParamValue& v) {
                   const auto& s = std::get<std::string>(v);
                   if (s == "all") return true;
                   std::stringstream ss(s);
                   std::string item;
                   bool any = false;
                   while (std::getline(ss, item, ',')) {
                     any = true;
                     if (std::find(landscape_config_names.begin(), landscape_config_names.end(), item) ==
                         landscape_config_names.end())
                       return false;
                   }
                   return any;
                 },
                 "must be 'all' or a comma-separated list of landscape names"))
      .param("double_well.tilt", 0.0, "tilt c of w^4 - 2w^2 + c w", open_range(-1.5396, 1.5396))
      .param("flat_sharp_wells.curvature_ratio", 4.0, "curvature of the sharp well over the flat one",
             positive())
      .param("quadratic.curvatures", std::vector<double>{1.0, 4.0}, "Hessian eigenvalues (diagonal H)",
             positive(), min_size(1))
      .param("log_cosh_wells.dim", 1, "dimension of the log-cosh wells", at_least(1))
      .param("rotated_double_wells.dim", 4, "dimension of the rotated double wells", at_least(1))
      .param("checks.gradient_tol", 1e-8,
             "tolerance on |grad L| at critical points (times the Hessian scale)", positive());

  return exp.run(argc, argv, [](RunContext& ctx) {
    const auto& cfg = ctx.config();
    const Index n = cfg.get<std::int64_t>("grid.n");
    const std::string which = cfg.get<std::string>("landscapes");
    std::int64_t total = 0;
    for_each_landscape_type([&](auto t) {
      using L = typename decltype(t)::type;
      if (selected(which, L::config_name)) total += n;
    });
    Progress progress = ctx.progress(total, "landscape_atlas");
    std::vector<std::string> written;
    for_each_landscape_type([&](auto t) {
      using L = typename decltype(t)::type;
      if (!selected(which, L::config_name)) return;
      if constexpr (Constructible<L>) {
        sample(make(t, cfg), ctx, n, progress);
        written.emplace_back(L::config_name);
      } else {
        ctx.log("landscape_atlas: skipping " + std::string(L::config_name) +
                " (no constructor from the config)");
      }
    });
    progress.finish();
    ctx.file().set_attribute("/landscapes", "names", written);
  });
}
