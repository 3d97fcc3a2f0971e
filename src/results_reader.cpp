#include "sgdsde/io/results_reader.hpp"

#include <H5Cpp.h>
#include <algorithm>
#include <stdexcept>

#include "hdf5_util.hpp"
#include "sgdsde/core/errors.hpp"

namespace sgdsde::io {

struct ResultsReader::Impl {
  explicit Impl(const std::string& path) : file(path, H5F_ACC_RDONLY) {}
  H5::H5File file;
};

ResultsReader::ResultsReader(const std::filesystem::path& path) : path_(path) {
  detail::quiet_hdf5();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path.string() + ": no such file");
  try {
    if (!H5::H5File::isHdf5(path.string())) throw InputError(path.string() + ": not an HDF5 file");
    impl_ = std::make_unique<Impl>(path.string());
  } catch (const H5::Exception& e) {
    throw InputError(path.string() + ": cannot open: " + e.getDetailMsg());
  }
}

ResultsReader::~ResultsReader() = default;

namespace {
std::string where(const std::filesystem::path& file, const std::string& obj) {
  return file.string() + ":" + obj;
}
}  // namespace

bool ResultsReader::exists(std::string_view path) const {
  return detail::path_exists(impl_->file, detail::normalise(path));
}

bool ResultsReader::is_group(std::string_view path) const {
  const std::string p = detail::normalise(path);
  if (p == "/") return true;
  return detail::path_exists(impl_->file, p) && impl_->file.childObjType(p) == H5O_TYPE_GROUP;
}

bool ResultsReader::is_dataset(std::string_view path) const {
  const std::string p = detail::normalise(path);
  return p != "/" && detail::path_exists(impl_->file, p) && impl_->file.childObjType(p) == H5O_TYPE_DATASET;
}

namespace {
enum class Filter { all, groups, datasets };
std::vector<std::string> children(const H5::H5File& f, const std::filesystem::path& file,
                                  const std::string& g, Filter filter) {
  std::vector<std::string> out;
  try {
    H5::Group grp = f.openGroup(g);
    const hsize_t n = grp.getNumObjs();
    for (hsize_t i = 0; i < n; ++i) {
      const std::string name = grp.getObjnameByIdx(i);
      const H5O_type_t t = grp.childObjType(name);
      if (filter == Filter::all || (filter == Filter::groups && t == H5O_TYPE_GROUP) ||
          (filter == Filter::datasets && t == H5O_TYPE_DATASET))
        out.push_back(name);
    }
  } catch (const H5::Exception& e) {
    throw std::runtime_error(where(file, g) + ": " + e.getDetailMsg());
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::vector<std::string> ResultsReader::list(std::string_view group) const {
  return children(impl_->file, path_, detail::normalise(group), Filter::all);
}
std::vector<std::string> ResultsReader::groups(std::string_view group) const {
  return children(impl_->file, path_, detail::normalise(group), Filter::groups);
}
std::vector<std::string> ResultsReader::datasets(std::string_view group) const {
  return children(impl_->file, path_, detail::normalise(group), Filter::datasets);
}

namespace {
H5::DataSet open_dataset(const H5::H5File& f, const std::filesystem::path& file, const std::string& p) {
  if (p == "/" || !detail::path_exists(f, p) || f.childObjType(p) != H5O_TYPE_DATASET)
    throw std::runtime_error(where(file, p) + ": no such dataset");
  return f.openDataSet(p);
}

std::vector<std::size_t> dims_of(const H5::DataSpace& space) {
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> hd(static_cast<std::size_t>(rank));
  if (rank > 0) space.getSimpleExtentDims(hd.data());
  return {hd.begin(), hd.end()};
}

std::vector<std::string> read_string_data(const H5::AbstractDs& ds, const H5::DataSpace& space, bool is_attr,
                                          const H5::H5Object* owner) {
  (void)owner;
  const H5::DataType t = ds.getDataType();
  if (t.getClass() != H5T_STRING) throw std::runtime_error("not a string");
  const H5::StrType st = ds.getStrType();
  const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  std::vector<std::string> out;
  if (n == 0) return out;
  if (st.isVariableStr()) {
    H5::StrType mem(H5::PredType::C_S1, H5T_VARIABLE);
    mem.setCset(st.getCset());
    std::vector<char*> buf(n, nullptr);
    if (is_attr) {
      static_cast<const H5::Attribute&>(ds).read(mem, buf.data());
    } else {
      static_cast<const H5::DataSet&>(ds).read(buf.data(), mem);
    }
    for (char* p : buf) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.getId(), space.getId(), H5P_DEFAULT, buf.data());
  } else {
    const std::size_t len = st.getSize();
    std::vector<char> buf(n * len);
    if (is_attr) {
      static_cast<const H5::Attribute&>(ds).read(st, buf.data());
    } else {
      static_cast<const H5::DataSet&>(ds).read(buf.data(), st);
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::string s(buf.data() + i * len, len);
      s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
      if (st.getStrpad() == H5T_STR_SPACEPAD)
        while (!s.empty() && s.back() == ' ') s.pop_back();
      out.push_back(std::move(s));
    }
  }
  return out;
}
}  // namespace

std::vector<std::size_t> ResultsReader::dims(std::string_view dataset) const {
  const std::string p = detail::normalise(dataset);
  try {
    return dims_of(open_dataset(impl_->file, path_, p).getSpace());
  } catch (const H5::Exception& e) {
    throw std::runtime_error(where(path_, p) + ": " + e.getDetailMsg());
  }
}

void ResultsReader::read_raw(std::string_view dataset, void* out, std::size_t count, ElementType type) const {
  const std::string p = detail::normalise(dataset);
  try {
    H5::DataSet ds = open_dataset(impl_->file, path_, p);
    const H5T_class_t c = ds.getTypeClass();
    if (c != H5T_INTEGER && c != H5T_FLOAT)
      throw std::runtime_error(where(path_, p) + ": not a numeric dataset");
    if (static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints()) != count)
      throw std::logic_error(where(path_, p) + ": size mismatch");
    if (count > 0) ds.read(out, detail::pred_type(type));
  } catch (const H5::Exception& e) {
    throw std::runtime_error(where(path_, p) + ": " + e.getDetailMsg());
  }
}

Eigen::MatrixXd ResultsReader::read_matrix(std::string_view dataset) const {
  const NdArray<double> a = read<double>(dataset);
  if (a.dims.size() > 2)
    throw std::runtime_error(where(path_, detail::normalise(dataset)) + ": not 1-D or 2-D");
  const Eigen::Index rows = a.dims.empty() ? 1 : static_cast<Eigen::Index>(a.dims[0]);
  const Eigen::Index cols = a.dims.size() == 2 ? static_cast<Eigen::Index>(a.dims[1]) : 1;
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      a.values.data(), rows, cols);
}

std::vector<std::string> ResultsReader::read_strings(std::string_view dataset) const {
  const std::string p = detail::normalise(dataset);
  try {
    H5::DataSet ds = open_dataset(impl_->file, path_, p);
    if (ds.getTypeClass() != H5T_STRING) throw std::runtime_error(where(path_, p) + ": not a string dataset");
    return read_string_data(ds, ds.getSpace(), false, nullptr);
  } catch (const H5::Exception& e) {
    throw std::runtime_error(where(path_, p) + ": " + e.getDetailMsg());
  }
}

// ---- attributes --------------------------------------------------------------------------------

namespace {
template <class Fn>
void with_attribute(const H5::H5File& f, const std::filesystem::path& file, std::string_view object,
                    std::string_view name, Fn&& fn) {
  const std::string obj = detail::normalise(object);
  const std::string n(name);
  try {
    detail::with_object(f, obj, [&](H5::H5Object& o) {
      if (!o.attrExists(n)) throw std::runtime_error(where(file, obj) + ": no attribute '" + n + "'");
      H5::Attribute a = o.openAttribute(n);
      fn(a);
    });
  } catch (const H5::Exception& e) {
    throw std::runtime_error(where(file, obj) + "@" + n + ": " + e.getDetailMsg());
  }
}

template <class T>
std::vector<T> read_numeric_attribute(H5::Attribute& a, const H5::PredType& t, const std::string& what) {
  const H5T_class_t c = a.getTypeClass();
  if (c != H5T_INTEGER && c != H5T_FLOAT) throw std::runtime_error(what + ": not a numeric attribute");
  std::vector<T> v(static_cast<std::size_t>(a.getSpace().getSimpleExtentNpoints()));
  if (!v.empty()) a.read(t, v.data());
  return v;
}
}  // namespace

bool ResultsReader::has_attribute(std::string_view object, std::string_view name) const {
  const std::string obj = detail::normalise(object);
  if (!detail::path_exists(impl_->file, obj)) return false;
  bool found = false;
  detail::with_object(impl_->file, obj, [&](H5::H5Object& o) { found = o.attrExists(std::string(name)); });
  return found;
}

std::vector<std::string> ResultsReader::attribute_names(std::string_view object) const {
  std::vector<std::string> out;
  detail::with_object(impl_->file, detail::normalise(object), [&](H5::H5Object& o) {
    const int n = o.getNumAttrs();
    for (int i = 0; i < n; ++i) out.push_back(o.openAttribute(static_cast<unsigned>(i)).getName());
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::string ResultsReader::attribute_string(std::string_view object, std::string_view name) const {
  std::string out;
  with_attribute(impl_->file, path_, object, name, [&](H5::Attribute& a) {
    if (a.getTypeClass() != H5T_STRING)
      throw std::runtime_error(std::string(name) + ": not a string attribute");
    auto v = read_string_data(a, a.getSpace(), true, nullptr);
    if (v.size() != 1) throw std::runtime_error(std::string(name) + ": not a scalar string attribute");
    out = v[0];
  });
  return out;
}

std::vector<std::string> ResultsReader::attribute_strings(std::string_view object,
                                                          std::string_view name) const {
  std::vector<std::string> out;
  with_attribute(impl_->file, path_, object, name, [&](H5::Attribute& a) {
    if (a.getTypeClass() != H5T_STRING)
      throw std::runtime_error(std::string(name) + ": not a string attribute");
    out = read_string_data(a, a.getSpace(), true, nullptr);
  });
  return out;
}

double ResultsReader::attribute_double(std::string_view object, std::string_view name) const {
  const auto v = attribute_doubles(object, name);
  if (v.size() != 1) throw std::runtime_error(std::string(name) + ": not a scalar attribute");
  return v[0];
}

std::int64_t ResultsReader::attribute_int(std::string_view object, std::string_view name) const {
  const auto v = attribute_ints(object, name);
  if (v.size() != 1) throw std::runtime_error(std::string(name) + ": not a scalar attribute");
  return v[0];
}

std::vector<double> ResultsReader::attribute_doubles(std::string_view object, std::string_view name) const {
  std::vector<double> out;
  with_attribute(impl_->file, path_, object, name, [&](H5::Attribute& a) {
    out = read_numeric_attribute<double>(a, H5::PredType::NATIVE_DOUBLE, std::string(name));
  });
  return out;
}

std::vector<std::int64_t> ResultsReader::attribute_ints(std::string_view object,
                                                        std::string_view name) const {
  std::vector<std::int64_t> out;
  with_attribute(impl_->file, path_, object, name, [&](H5::Attribute& a) {
    if (a.getTypeClass() != H5T_INTEGER)
      throw std::runtime_error(std::string(name) + ": not an integer attribute");
    out = read_numeric_attribute<std::int64_t>(a, H5::PredType::NATIVE_INT64, std::string(name));
  });
  return out;
}

std::vector<CheckRow> ResultsReader::read_checks(std::string_view group) const {
  const std::string g = detail::normalise(group);
  std::vector<CheckRow> rows;
  if (!is_group(g)) return rows;
  const auto names = read_strings(g + "/name");
  const auto measured = read_doubles(g + "/measured");
  const auto se = read_doubles(g + "/stderr");
  const auto predicted = read_doubles(g + "/predicted");
  const auto tolerance = read_doubles(g + "/tolerance");
  const auto passed = read_int64s(g + "/passed");
  const auto n = names.size();
  if (measured.size() != n || se.size() != n || predicted.size() != n || tolerance.size() != n ||
      passed.size() != n)
    throw std::runtime_error(where(path_, g) + ": columns of different lengths");
  std::vector<std::string> desc, kind, role;
  std::vector<double> resolution;
  if (is_dataset(g + "/description")) desc = read_strings(g + "/description");
  if (is_dataset(g + "/kind")) kind = read_strings(g + "/kind");
  // Files written before roles existed have neither column: every row is then a claim.
  if (is_dataset(g + "/role")) role = read_strings(g + "/role");
  if (is_dataset(g + "/resolution")) resolution = read_doubles(g + "/resolution");
  for (std::size_t i = 0; i < n; ++i) {
    CheckRow r;
    r.name = names[i];
    r.measured = measured[i];
    r.std_error = se[i];
    r.predicted = predicted[i];
    r.tolerance = tolerance[i];
    r.passed = passed[i] != 0;
    if (i < desc.size()) r.description = desc[i];
    if (i < kind.size()) {
      for (auto k : {CheckKind::two_sided, CheckKind::upper, CheckKind::lower, CheckKind::boolean})
        if (kind[i] == to_string(k)) r.kind = k;
    }
    if (i < role.size())
      for (auto k : {CheckRole::claim, CheckRole::identity, CheckRole::illustration})
        if (role[i] == to_string(k)) r.role = k;
    r.resolution = i < resolution.size() ? resolution[i] : resolution_of(r);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace sgdsde::io
