#include "sgdsde/io/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <H5Cpp.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>

#include "hdf5_util.hpp"
#include "sgdsde/core/errors.hpp"

namespace sgdsde::io {

// ---- temporary-file registry and signal handler ---------------------------------------------------

namespace {
constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;
std::array<std::atomic<bool>, kSlots> g_slot_used{};
char g_slot_path[kSlots][kPathMax];
std::mutex g_registry_mutex;

extern "C" void sgdsde_cleanup_signal_handler(int sig) {
  for (int i = 0; i < kSlots; ++i)
    if (g_slot_used[i].load(std::memory_order_acquire)) ::unlink(g_slot_path[i]);
  ::_exit(128 + sig);
}

int register_temp(const std::filesystem::path& p) {
  const std::string s = p.string();
  if (s.size() + 1 > kPathMax) return -1;
  std::lock_guard lock(g_registry_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (!g_slot_used[i].load(std::memory_order_relaxed)) {
      std::memcpy(g_slot_path[i], s.c_str(), s.size() + 1);
      g_slot_used[i].store(true, std::memory_order_release);
      return i;
    }
  }
  return -1;  // more than kSlots open results files: the destructor still cleans up
}

void unregister_temp(int slot) {
  if (slot < 0) return;
  std::lock_guard lock(g_registry_mutex);
  g_slot_used[slot].store(false, std::memory_order_release);
}
}  // namespace

void install_cleanup_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = sgdsde_cleanup_signal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  });
}

// ---- fault injection (tests) ------------------------------------------------------------------------

namespace {
std::atomic<int> g_fault_step{-1}, g_fault_errno{0};

/// True (with errno set) if a test armed a failure of this step; disarms it.
bool injected(WriteStep step) {
  int expected = static_cast<int>(step);
  if (!g_fault_step.compare_exchange_strong(expected, -1)) return false;
  errno = g_fault_errno.load();
  return true;
}
}  // namespace

void inject_write_failure(WriteStep step, int error) {
  g_fault_errno.store(error);
  g_fault_step.store(error == 0 ? -1 : static_cast<int>(step));
}

// ---- temporaries ---------------------------------------------------------------------------------

namespace {
// Every temporary starts with it from its creation on, so that a stale one is recognisably ours.
constexpr std::array<char, 8> kHdf5Signature = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};

bool has_signature(const std::filesystem::path& p, std::string_view signature) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  std::array<char, 16> head{};
  const std::size_t want = std::min(signature.size(), head.size());
  const ssize_t n = ::read(fd, head.data(), want);
  ::close(fd);
  return n == static_cast<ssize_t>(want) && std::string_view(head.data(), want) == signature.substr(0, want);
}

/// Writes all of [data, data + size) at the current offset, retrying partial writes and EINTR.
bool write_all(int fd, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// fsync of the folder, so that the rename itself survives a crash of the machine. Best effort:
/// the file is complete under its final name whatever this returns.
void sync_folder(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Whether process `pid` can write no more: it does not exist, or it is a zombie. A process killed
// with SIGKILL stays a zombie until its parent reaps it, and an orphan's new parent may never do so
// (PID 1 of a container or a micro-VM often does not): an MPI rank whose mpirun was killed is one.
// EPERM means the process exists and is another user's: not ours to judge.
bool process_is_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // "pid (comm) state …": comm may hold spaces and parentheses, so the state follows the last ')'.
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  const char state = stat[paren + 2];
  return state == 'Z' || state == 'X';
}
}  // namespace

std::filesystem::path temporary_path_of(const std::filesystem::path& final_path, long pid) {
  std::filesystem::path dir = final_path.parent_path();
  if (dir.empty()) dir = ".";
  // Appended piecewise: GCC 12's -Wrestrict misfires on "." + std::string + … (a known false positive).
  std::string name = ".";
  name += final_path.filename().string();
  name += ".tmp-";
  name += std::to_string(pid);
  return dir / name;
}

std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& final_path,
                                                            std::string_view signature) {
  if (signature.empty()) signature = std::string_view(kHdf5Signature.data(), kHdf5Signature.size());
  namespace fs = std::filesystem;
  std::vector<fs::path> removed;
  fs::path dir = final_path.parent_path();
  if (dir.empty()) dir = ".";
  std::string prefix = ".";
  prefix += final_path.filename().string();
  prefix += ".tmp-";
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const long pid = std::stol(digits);
    // Our own temporary is not stale; pid 0 and kill(0) would mean our process group.
    if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (!process_is_gone(static_cast<pid_t>(pid))) continue;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || !has_signature(it->path(), signature)) continue;
    if (::unlink(it->path().c_str()) == 0) removed.push_back(it->path());
  }
  return removed;
}

// ---- the file --------------------------------------------------------------------------------------

struct ResultsFile::Impl {
  // The file lives in memory (core driver, 1 MiB increments, no backing store); commit() writes it.
  static H5::FileAccPropList in_memory() {
    H5::FileAccPropList fapl;
    fapl.setCore(std::size_t{1} << 20, false);
    return fapl;
  }
  explicit Impl(const std::string& name)
      : file(name, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, in_memory()) {}
  H5::H5File file;
};

ResultsFile::ResultsFile(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  detail::quiet_hdf5();
  install_cleanup_handler();
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string shown = final_path_.string();
  if (final_path_.filename().empty()) throw InputError("output " + shown + ": not a file name");
  if (fs::is_directory(final_path_, ec)) throw InputError("output " + shown + ": is a directory");
  fs::path dir = final_path_.parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    throw InputError("output " + shown + ": " + dir.string() +
                     (fs::exists(dir, ec) ? " is not a folder" : ": no such folder"));
  stale_removed_ = remove_stale_temporaries(final_path_);
  temp_path_ = temporary_path_of(final_path_, static_cast<long>(::getpid()));
  fd_ = injected(WriteStep::create)
            ? -1
            : ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    const std::string text =
        "output " + shown + ": cannot create a file in " + dir.string() + ": " + std::strerror(err);
    // A path the user can fix is bad input (exit code 2); a full disk or a failing device is not.
    if (err == ENOSPC || err == EDQUOT || err == EIO || err == EMFILE || err == ENFILE || err == ENOMEM)
      throw std::runtime_error(text);
    throw InputError(text);
  }
  cleanup_slot_ = register_temp(temp_path_);
  // A probe: the folder takes a file of ours (a bad --out or a full disk fails before any work).
  // Failing to write 8 bytes is a full disk, not bad input. The probe is removed at once: the
  // temporary is written by commit() alone, so a run killed before it (SIGKILL, or mpirun's SIGKILL
  // right after its SIGTERM) leaves nothing behind.
  if (!write_all(fd_, reinterpret_cast<const unsigned char*>(kHdf5Signature.data()), kHdf5Signature.size())) {
    const int err = errno;
    discard();
    throw std::runtime_error("cannot write " + shown + ": " + std::strerror(err));
  }
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
  unregister_temp(cleanup_slot_);
  cleanup_slot_ = -1;
  try {
    impl_ = std::make_unique<Impl>(temp_path_.string());
  } catch (const H5::Exception& e) {
    discard();
    throw std::runtime_error("output " + shown + ": cannot create an HDF5 file: " + e.getDetailMsg());
  }
}

ResultsFile::ResultsFile(std::filesystem::path final_path, InMemoryOnly)
    : final_path_(std::move(final_path)), memory_only_(true) {
  detail::quiet_hdf5();
  try {
    // The core driver without a backing store never creates this name on disk.
    impl_ = std::make_unique<Impl>(temporary_path_of(final_path_, static_cast<long>(::getpid())).string() +
                                   ".memory");
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot create an in-memory HDF5 file: " + e.getDetailMsg());
  }
}

ResultsFile::~ResultsFile() {
  if (!committed_) discard();
}

bool ResultsFile::is_open() const { return impl_ != nullptr; }

namespace {
/// Closes the HDF5 file once. An in-memory file has nothing to flush; should its close fail
/// anyway, HDF5 keeps a dangling ID that a second close (H5File's destructor) would crash on, so
/// the wrapper is then left unreleased rather than destroyed. Returns false on failure.
bool close_once(std::unique_ptr<ResultsFile::Impl>& impl) noexcept {
  if (!impl) return true;
  bool ok = true;
  try {
    impl->file.close();
  } catch (...) {
    (void)impl.release();
    ok = false;
  }
  impl.reset();
  return ok;
}
}  // namespace

void ResultsFile::discard() noexcept {
  (void)close_once(impl_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
  unregister_temp(cleanup_slot_);
  cleanup_slot_ = -1;
}

void ResultsFile::commit() {
  if (committed_) return;
  if (!impl_) throw std::logic_error("ResultsFile::commit: file already discarded");
  if (memory_only_) {
    (void)close_once(impl_);
    committed_ = true;
    return;
  }
  const std::string shown = final_path_.string();
  // 1. The image of the HDF5 file, taken in memory: no I/O can fail here.
  std::vector<unsigned char> image;
  try {
    impl_->file.flush(H5F_SCOPE_GLOBAL);
    const hid_t id = impl_->file.getId();
    const ssize_t size = H5Fget_file_image(id, nullptr, 0);
    if (size < 0) throw std::runtime_error("H5Fget_file_image failed");
    image.resize(static_cast<std::size_t>(size));
    if (H5Fget_file_image(id, image.data(), image.size()) != size)
      throw std::runtime_error("H5Fget_file_image failed");
    if (!close_once(impl_)) throw std::runtime_error("H5Fclose failed");
  } catch (const H5::Exception& e) {
    discard();
    throw std::runtime_error("cannot write " + shown + ": " + e.getDetailMsg());
  } catch (const std::runtime_error& e) {
    discard();
    throw std::runtime_error("cannot write " + shown + ": " + e.what());
  }
  // 2. On disk: written under the temporary name, synced, closed, renamed.
  try {
    write_file_atomically(final_path_, image);
  } catch (...) {
    discard();
    throw;
  }
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& final_path, std::span<const unsigned char> bytes) {
  const std::string shown = final_path.string();
  const std::filesystem::path temp = temporary_path_of(final_path, static_cast<long>(::getpid()));
  int fd = -1, slot = -1;
  const auto fail = [&](WriteStep step) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    unregister_temp(slot);
    const char* what = step == WriteStep::rename ? "cannot rename the temporary file to " : "cannot write ";
    std::string text = what + shown + ": " + std::strerror(err);
    // A folder made read-only during the run refuses the unlink as well: say what is left.
    if (::access(temp.c_str(), F_OK) == 0) text += "; " + temp.string() + " could not be removed";
    throw std::runtime_error(text);
  };
  // The temporary exists from here to the rename (milliseconds), its signature first
  // (remove_stale_temporaries recognises it as ours should the process die in between).
  fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) slot = register_temp(temp);
  if (fd < 0 || injected(WriteStep::write) || !write_all(fd, bytes.data(), bytes.size()))
    fail(WriteStep::write);
  if (injected(WriteStep::sync) || ::fsync(fd) != 0) fail(WriteStep::sync);
  // close() releases the descriptor even when it reports an error (where NFS reports late errors):
  // never retry it.
  const int closing = fd;
  fd = -1;
  if (::close(closing) != 0 || injected(WriteStep::close)) fail(WriteStep::close);
  if (injected(WriteStep::rename) || std::rename(temp.c_str(), final_path.c_str()) != 0)
    fail(WriteStep::rename);
  unregister_temp(slot);
  sync_folder(final_path.parent_path().empty() ? std::filesystem::path(".") : final_path.parent_path());
}

namespace {
H5::H5File& file_of(const std::unique_ptr<ResultsFile::Impl>& impl) {
  if (!impl) throw std::logic_error("ResultsFile: the file is closed");
  return impl->file;
}
}  // namespace

void ResultsFile::create_group(std::string_view path) {
  auto& f = file_of(impl_);
  detail::ensure_groups(f, detail::normalise(path), /*include_last=*/true);
}

bool ResultsFile::exists(std::string_view path) const {
  return detail::path_exists(file_of(impl_), detail::normalise(path));
}

void ResultsFile::write_raw(std::string_view path_in, const void* data, std::size_t count, ElementType type,
                            std::vector<std::size_t> dims, bool scalar) {
  auto& f = file_of(impl_);
  const std::string path = detail::normalise(path_in);
  if (detail::path_exists(f, path)) throw std::logic_error("ResultsFile: " + path + " already exists");
  if (dims.empty() && !scalar) dims = {count};
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  if (!scalar && n != count)
    throw std::logic_error("ResultsFile: " + path + ": dims do not match the number of elements");
  detail::ensure_groups(f, path, /*include_last=*/false);
  try {
    const H5::PredType& t = detail::pred_type(type);
    std::vector<hsize_t> hd(dims.begin(), dims.end());
    H5::DataSpace space =
        scalar ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(static_cast<int>(hd.size()), hd.data());
    H5::DSetCreatPropList plist;
    const std::size_t bytes = count * t.getSize();
    if (!scalar && bytes > 64 * 1024 && count > 0) {
      std::vector<hsize_t> chunk = hd;
      const std::size_t target = 256 * 1024;
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        auto prod = [&] {
          std::size_t p = t.getSize();
          for (auto c : chunk) p *= c;
          return p;
        };
        while (prod() > target && chunk[i] > 1) chunk[i] = (chunk[i] + 1) / 2;
      }
      plist.setChunk(static_cast<int>(chunk.size()), chunk.data());
      plist.setShuffle();
      plist.setDeflate(4);
    }
    H5::DataSet ds = f.createDataSet(path, t, space, plist);
    if (count > 0) ds.write(data, t);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("writing " + path + ": " + e.getDetailMsg());
  }
}

void ResultsFile::write_strings(std::string_view path_in, const std::vector<std::string>& data) {
  auto& f = file_of(impl_);
  const std::string path = detail::normalise(path_in);
  if (detail::path_exists(f, path)) throw std::logic_error("ResultsFile: " + path + " already exists");
  detail::ensure_groups(f, path, false);
  try {
    const H5::StrType st = detail::vlen_string_type();
    hsize_t n = data.size();
    H5::DataSpace space(1, &n);
    H5::DataSet ds = f.createDataSet(path, st, space);
    std::vector<const char*> ptrs;
    for (const auto& s : data) ptrs.push_back(s.c_str());
    if (n > 0) ds.write(ptrs.data(), st);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("writing " + path + ": " + e.getDetailMsg());
  }
}

void ResultsFile::write_string(std::string_view path_in, std::string_view value) {
  auto& f = file_of(impl_);
  const std::string path = detail::normalise(path_in);
  if (detail::path_exists(f, path)) throw std::logic_error("ResultsFile: " + path + " already exists");
  detail::ensure_groups(f, path, false);
  try {
    const H5::StrType st = detail::vlen_string_type();
    H5::DataSet ds = f.createDataSet(path, st, H5::DataSpace(H5S_SCALAR));
    const std::string s(value);
    const char* p = s.c_str();
    ds.write(&p, st);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("writing " + path + ": " + e.getDetailMsg());
  }
}

// ---- attributes ------------------------------------------------------------------------------------

namespace {
template <class Fn>
void with_new_attribute(H5::H5File& f, std::string_view object, std::string_view name, Fn&& fn) {
  const std::string obj = detail::normalise(object);
  try {
    detail::with_object(f, obj, [&](H5::H5Object& o) {
      const std::string n(name);
      if (o.attrExists(n)) o.removeAttr(n);
      fn(o, n);
    });
  } catch (const H5::Exception& e) {
    throw std::runtime_error("writing attribute " + obj + "@" + std::string(name) + ": " + e.getDetailMsg());
  }
}
}  // namespace

void ResultsFile::set_attribute(std::string_view object, std::string_view name, double value) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    o.createAttribute(n, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_DOUBLE, &value);
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name, std::int64_t value) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    o.createAttribute(n, H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_INT64, &value);
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name, bool value) {
  const std::int8_t v = value ? 1 : 0;
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    o.createAttribute(n, H5::PredType::NATIVE_INT8, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_INT8, &v);
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name, std::string_view value) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    const H5::StrType st = detail::vlen_string_type();
    const std::string s(value);
    const char* p = s.c_str();
    o.createAttribute(n, st, H5::DataSpace(H5S_SCALAR)).write(st, &p);
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name,
                                std::span<const double> values) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    hsize_t k = values.size();
    auto a = o.createAttribute(n, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(1, &k));
    if (k) a.write(H5::PredType::NATIVE_DOUBLE, values.data());
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name,
                                std::span<const std::int64_t> values) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    hsize_t k = values.size();
    auto a = o.createAttribute(n, H5::PredType::NATIVE_INT64, H5::DataSpace(1, &k));
    if (k) a.write(H5::PredType::NATIVE_INT64, values.data());
  });
}

void ResultsFile::set_attribute(std::string_view object, std::string_view name,
                                const std::vector<std::string>& values) {
  with_new_attribute(file_of(impl_), object, name, [&](H5::H5Object& o, const std::string& n) {
    const H5::StrType st = detail::vlen_string_type();
    hsize_t k = values.size();
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    auto a = o.createAttribute(n, st, H5::DataSpace(1, &k));
    if (k) a.write(st, ptrs.data());
  });
}

}  // namespace sgdsde::io
