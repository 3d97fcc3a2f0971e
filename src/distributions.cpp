#include "sgdsde/io/distributions.hpp"

namespace sgdsde::io {

namespace {
void tag(ResultsFile& f, std::string_view group, std::string_view kind, std::string_view model,
         std::string_view case_name, int dims) {
  f.set_attribute(group, "kind", kind);
  f.set_attribute(group, "model", model);
  f.set_attribute(group, "case", case_name);
  f.set_attribute(group, "dims", std::int64_t{dims});
}
std::string join(std::string_view group, std::string_view name) {
  std::string s(group);
  if (s.empty() || s.back() != '/') s += '/';
  return s + std::string(name);
}
}  // namespace

void write_histogram(ResultsFile& f, std::string_view group, const stats::Histogram1D& h,
                     std::string_view model, std::string_view case_name) {
  f.create_group(group);
  tag(f, group, "histogram", model, case_name, 1);
  f.write(join(group, "edges_x"), h.edges());
  f.write(join(group, "counts"), h.counts());
  f.write_scalar(join(group, "outside"), h.underflow() + h.overflow() + h.nan_count());
  f.write_scalar(join(group, "samples"), h.total());
}

void write_histogram(ResultsFile& f, std::string_view group, const stats::Histogram2D& h,
                     std::string_view model, std::string_view case_name) {
  f.create_group(group);
  tag(f, group, "histogram", model, case_name, 2);
  f.write(join(group, "edges_x"), h.edges_x());
  f.write(join(group, "edges_y"), h.edges_y());
  f.write(join(group, "counts"), h.counts(),
          {static_cast<std::size_t>(h.nx()), static_cast<std::size_t>(h.ny())});
  f.write_scalar(join(group, "outside"), h.outside() + h.nan_count());
  f.write_scalar(join(group, "samples"), h.total());
}

void write_probabilities(ResultsFile& f, std::string_view group, const Vec& masses,
                         const stats::BinGeometry& g, std::string_view model, std::string_view case_name) {
  require(masses.size() == g.bins(), "write_probabilities: masses and bins differ in size");
  require(masses.minCoeff() >= 0.0 && masses.sum() > 0.0, "write_probabilities: not a distribution");
  const Vec p = masses / masses.sum();
  f.create_group(group);
  tag(f, group, "probabilities", model, case_name, g.dims());
  f.write(join(group, "edges_x"), g.edges_x);
  std::vector<std::size_t> dims = {static_cast<std::size_t>(g.edges_x.size() - 1)};
  if (g.dims() == 2) {
    f.write(join(group, "edges_y"), g.edges_y);
    dims.push_back(static_cast<std::size_t>(g.edges_y.size() - 1));
  }
  f.write(join(group, "probabilities"), std::span<const double>(p.data(), static_cast<std::size_t>(p.size())),
          dims);
}

void write_distances(ResultsFile& f, std::string_view group, const std::vector<stats::DistanceRow>& rows) {
  f.create_group(group);
  std::vector<std::string> metric;
  std::vector<double> value, se, floor_mean, floor_sd, bound;
  for (const auto& r : rows) {
    metric.push_back(r.metric);
    value.push_back(r.value);
    se.push_back(r.bootstrap_se);
    floor_mean.push_back(r.floor_mean);
    floor_sd.push_back(r.floor_sd);
    bound.push_back(r.bound());
  }
  f.write_strings(join(group, "metric"), metric);
  f.write(join(group, "value"), value);
  f.write(join(group, "bootstrap_se"), se);
  f.write(join(group, "floor_mean"), floor_mean);
  f.write(join(group, "floor_sd"), floor_sd);
  f.write(join(group, "bound"), bound);
}

namespace {
void collect(const ResultsReader& r, const std::string& group, std::vector<DistributionGroup>& out) {
  if (r.has_attribute(group, "kind")) {
    const std::string kind = r.attribute_string(group, "kind");
    if (kind == "histogram" || kind == "probabilities") {
      DistributionGroup d;
      d.path = group;
      d.kind = kind;
      d.model = r.has_attribute(group, "model") ? r.attribute_string(group, "model") : "";
      d.case_name = r.has_attribute(group, "case") ? r.attribute_string(group, "case") : "";
      const auto ex = r.read_doubles(join(group, "edges_x"));
      d.geometry.edges_x = Eigen::Map<const Vec>(ex.data(), static_cast<Index>(ex.size()));
      if (r.exists(join(group, "edges_y"))) {
        const auto ey = r.read_doubles(join(group, "edges_y"));
        d.geometry.edges_y = Eigen::Map<const Vec>(ey.data(), static_cast<Index>(ey.size()));
      }
      const auto v = r.read_doubles(join(group, kind == "histogram" ? "counts" : "probabilities"));
      d.values = Eigen::Map<const Vec>(v.data(), static_cast<Index>(v.size()));
      require(d.values.size() == d.geometry.bins(),
              "results file: " + group + " has values and edges of different sizes");
      out.push_back(std::move(d));
    }
  }
  for (const auto& child : r.groups(group)) collect(r, join(group, child), out);
}
}  // namespace

std::vector<DistributionGroup> find_distributions(const ResultsReader& r) {
  std::vector<DistributionGroup> out;
  collect(r, "/", out);
  return out;
}

}  // namespace sgdsde::io
